/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What this host's QEMU can do, and the host facts around it.
 *
 * The emulator is asked, not guessed: it is started with `-machine none`
 * and queried over QMP (query-version, query-machines,
 * query-cpu-definitions under TCG; where /dev/kvm opens, a second run
 * under KVM asks query-cpu-definitions again, since which CPU models are
 * usable depends on the accelerator).  The answer is cached together with
 * the binary's modification time, so upgrading QEMU refreshes the
 * capabilities and nothing else does.  KVM is offered where that second
 * run works; TCG ("qemu") always.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "conf/domain-name.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/command.h"

static void
cpuModelFree(gpointer p)
{
    vkQemuCpuModel *m = p;

    g_free(m->name);
    g_free(m);
}

void
vkQemuCapsFree(vkQemuCaps *c)
{
    if (!c)
        return;
    vkCapsFree(c->caps);
    if (c->aliases)
        g_hash_table_destroy(c->aliases);
    g_free(c->defaultMachine);
    g_free(c->emulator);
    if (c->cpuTCG)
        g_ptr_array_unref(c->cpuTCG);
    if (c->cpuKVM)
        g_ptr_array_unref(c->cpuKVM);
    g_free(c);
}

static void
probeEOF(vkQemuMonitor *mon, const char *error, void *opaque)
{
}

static const vkQemuMonitorCallbacks probeCallbacks = { .eof = probeEOF };

#define VK_QEMU_PROBE_TIMEOUT_MS 10000

/* "Skylake-Client-v2": QEMU's versioned names, which the unversioned
 * aliases (alias-of) already stand for. */
static bool
isVersionedName(const char *name)
{
    const char *v = strrchr(name, '-');

    if (!v || v[1] != 'v' || !v[2])
        return false;
    for (v += 2; *v; v++) {
        if (!g_ascii_isdigit(*v))
            return false;
    }
    return true;
}

static GPtrArray *
parseCpuDefinitions(const vkJSON *defs)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(cpuModelFree);

    for (size_t i = 0; i < vkJSONArraySize(defs); i++) {
        vkJSON *d = vkJSONArrayGet(defs, i);
        const char *name = vkJSONObjectGetString(d, "name");
        vkJSON *unavailable = vkJSONObjectGet(d, "unavailable-features");
        vkQemuCpuModel *m;

        if (!name)
            continue;
        m = g_new0(vkQemuCpuModel, 1);
        m->name = g_strdup(name);
        m->usable = unavailable ? vkJSONArraySize(unavailable) == 0 : -1;
        vkJSONGetBool(vkJSONObjectGet(d, "deprecated"), &m->deprecated);
        m->listed = !isVersionedName(name) && strcmp(name, "host") != 0 &&
                    strcmp(name, "max") != 0 && strcmp(name, "base") != 0;
        g_ptr_array_add(list, m);
    }
    return list;
}

/* One machine and its alias, the alias right after it, as libvirt lists
 * them; clients such as virt-install pick the first q35/pc entry. */
static void
addMachine(vkQemuCaps *c, vkCapsGuest *guest, const vkJSON *m)
{
    const char *name = vkJSONObjectGetString(m, "name");
    const char *alias = vkJSONObjectGetString(m, "alias");
    unsigned long long maxCpus = 0;
    bool deprecated = false;

    vkJSONGetUInt64(vkJSONObjectGet(m, "cpu-max"), &maxCpus);
    vkJSONGetBool(vkJSONObjectGet(m, "deprecated"), &deprecated);
    vkCapsGuestAddMachine(guest, name, NULL, (unsigned int)maxCpus);
    ((vkCapsMachine *)g_ptr_array_index(guest->machines, guest->machines->len - 1))->deprecated =
        deprecated;
    if (alias) {
        vkCapsGuestAddMachine(guest, alias, name, (unsigned int)maxCpus);
        g_hash_table_insert(c->aliases, g_strdup(alias), g_strdup(name));
    }
}

static void
fillFromTCG(vkQemuCaps *c, const vkJSON *ver, const vkJSON *machines)
{
    vkJSON *q = vkJSONObjectGet(ver, "qemu");
    unsigned long long maj = 0, min = 0, mic = 0;
    vkCapsGuest *guest;
    vkJSON *dflt = NULL;

    vkJSONGetUInt64(vkJSONObjectGet(q, "major"), &maj);
    vkJSONGetUInt64(vkJSONObjectGet(q, "minor"), &min);
    vkJSONGetUInt64(vkJSONObjectGet(q, "micro"), &mic);
    c->version = maj * 1000000 + min * 1000 + mic;

    c->caps = vkCapsNew(NULL);
    c->aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    guest = vkCapsAddGuest(c->caps, "hvm", "x86_64", 64, c->emulator, NULL);
    /* The default machine first (libvirt moves it there), then QEMU's order. */
    for (size_t i = 0; i < vkJSONArraySize(machines); i++) {
        vkJSON *m = vkJSONArrayGet(machines, i);
        bool isDefault = false;

        vkJSONGetBool(vkJSONObjectGet(m, "is-default"), &isDefault);
        if (isDefault && vkJSONObjectGetString(m, "name")) {
            dflt = m;
            c->defaultMachine = g_strdup(vkJSONObjectGetString(m, "name"));
            addMachine(c, guest, m);
            break;
        }
    }
    for (size_t i = 0; i < vkJSONArraySize(machines); i++) {
        vkJSON *m = vkJSONArrayGet(machines, i);
        const char *name = vkJSONObjectGetString(m, "name");

        if (!name || strcmp(name, "none") == 0 || m == dflt)
            continue;
        addMachine(c, guest, m);
    }
    vkCapsGuestAddDomain(guest, "qemu", NULL);
    if (c->kvm)
        vkCapsGuestAddDomain(guest, "kvm", NULL);
    vkCapsGuestAddFeature(guest, "acpi", true, true, true);
    vkCapsGuestAddFeature(guest, "apic", true, true, false);
    vkCapsGuestAddFeature(guest, "cpuselection", false, false, false);
    vkCapsGuestAddFeature(guest, "deviceboot", false, false, false);
    vkCapsGuestAddFeature(guest, "disksnapshot", true, true, false);
}

/* The probe's files live in a directory of their own under the run and
 * log directories: a domain's files there are always NAME.SUFFIX, and a
 * name never holds '/', so no domain (not even one called "probe") can
 * reach them, nor the probe a domain's. */
#define PROBE_DIR ".probe"

/* A failed probe's error gets how QEMU ended and what it logged: a probe
 * that died before its greeting said nothing else (a timeout keeps its
 * own error, which the retry looks for). */
static void
probeFailed(pid_t pid, const char *logPath)
{
    g_autofree char *how = vkQemuProcessReapDescribe(pid);
    g_autofree char *tail = NULL;
    g_autofree char *first = NULL;

    if (!vkErrorIsSet() || vkErrorGetLast()->code == VIR_ERR_OPERATION_TIMEOUT)
        return;
    first = g_strdup(vkErrorGetLast()->message);
    tail = vkQemuLogTail(logPath, 0);
    vkErrorReset();
    vkReportError(VIR_ERR_OPERATION_FAILED, "%s (%s): %s", first, how, tail);
}

/* One probe run of the emulator under accel ("tcg" or "kvm").  The TCG
 * run answers everything; the KVM run only the CPU models. */
static int
probeQMP(vkQemuState *st, vkQemuCaps *c, const char *accel)
{
    g_autofree char *monDir = g_build_filename(st->runDir, PROBE_DIR, NULL);
    g_autofree char *logDir = g_build_filename(st->logDir, PROBE_DIR, NULL);
    g_autofree char *monPath = g_build_filename(monDir, "monitor", NULL);
    g_autofree char *logPath = g_build_filename(logDir, "qemu.log", NULL);
    char *argv[] = { c->emulator, "-S", "-no-user-config", "-nodefaults",
                     "-display", "none", "-machine", "none", "-accel", (char *)accel,
                     "-chardev", "socket,id=charmonitor,fd=3,server=on,wait=off",
                     "-mon", "chardev=charmonitor,id=monitor,mode=control", NULL };
    bool tcg = strcmp(accel, "tcg") == 0;
    g_autoptr(vkJSON) ver = NULL;
    g_autoptr(vkJSON) machines = NULL;
    g_autoptr(vkJSON) cpus = NULL;
    vkQemuLaunched proc;
    vkQemuMonitor *mon;
    int ret = -1;

    if (g_mkdir_with_parents(monDir, 0700) < 0 || g_mkdir_with_parents(logDir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create the QEMU probe's directories under '%s'",
                            st->runDir);
        return -1;
    }
    if (vkQemuProcessLaunchProbe(argv, monPath, logPath, st->runDir, &proc) < 0) {
        g_rmdir(monDir);
        return -1;
    }
    mon = vkQemuMonitorOpen(proc.monitorFd, st->ctx, &probeCallbacks, NULL);
    /* A probe QEMU has been seen to stall before answering
     * qmp_capabilities; it is only a probe, so it gets a deadline, then
     * killed below. */
    vkQemuMonitorSetCommandTimeout(mon, VK_QEMU_PROBE_TIMEOUT_MS);
    if (vkQemuMonitorHandshake(mon, VK_QEMU_HANDSHAKE_TIMEOUT_MS) < 0 ||
        (tcg && vkQemuMonitorCommand(mon, "query-version", NULL, &ver) < 0) ||
        (tcg && vkQemuMonitorCommand(mon, "query-machines", NULL, &machines) < 0) ||
        vkQemuMonitorCommand(mon, "query-cpu-definitions", NULL, &cpus) < 0)
        goto cleanup;

    if (tcg) {
        fillFromTCG(c, ver, machines);
        c->cpuTCG = parseCpuDefinitions(cpus);
    } else {
        c->cpuKVM = parseCpuDefinitions(cpus);
    }
    ret = 0;

 cleanup:
    vkQemuMonitorClose(mon);
    vkQemuProcessKill(proc.pidfd, proc.pid, 5000, true);
    if (ret < 0)
        probeFailed(proc.pid, logPath);
    else
        vkQemuProcessReap(proc.pid);
    close(proc.pidfd);
    unlink(monPath);
    g_rmdir(monDir);
    /* The log stays after a failure, for whoever wonders why. */
    if (ret == 0) {
        unlink(logPath);
        g_rmdir(logDir);
    }
    return ret;
}

/* One more try after a stalled probe: the stall is QEMU's, and rare. */
static int
probeWithRetry(vkQemuState *st, vkQemuCaps *c, const char *accel)
{
    if (probeQMP(st, c, accel) == 0)
        return 0;
    if (!vkErrorIsSet() || vkErrorGetLast()->code != VIR_ERR_OPERATION_TIMEOUT)
        return -1;
    return probeQMP(st, c, accel);
}

vkQemuCaps *
vkQemuGetCaps(vkQemuState *st)
{
    struct stat sb;
    vkQemuCaps *c;
    int fd;

    if (stat(VK_QEMU_DEFAULT_EMULATOR, &sb) < 0) {
        vkReportSystemError(errno, "cannot find the QEMU emulator '%s'",
                            VK_QEMU_DEFAULT_EMULATOR);
        return NULL;
    }
    if (st->caps && st->caps->mtime == sb.st_mtime)
        return st->caps;

    c = g_new0(vkQemuCaps, 1);
    c->emulator = g_strdup(VK_QEMU_DEFAULT_EMULATOR);
    c->mtime = sb.st_mtime;
    if ((fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) >= 0) {
        c->kvm = true;
        close(fd);
    }
    /* A /dev/kvm that opens but that QEMU cannot use (a nested host
     * without the features KVM needs) means no KVM, not no QEMU. */
    if (c->kvm && probeWithRetry(st, c, "kvm") < 0) {
        vkErrorReset();
        c->kvm = false;
    }
    if (probeWithRetry(st, c, "tcg") < 0) {
        vkQemuCapsFree(c);
        return NULL;
    }
    vkQemuCapsFree(st->caps);
    st->caps = c;
    return c;
}

char *
vkQemuConnectGetCapabilities(virConnectPtr conn)
{
    vkQemuState *st = vkQemuConnState(conn);
    vkQemuCaps *c;
    char *ret = NULL;

    g_mutex_lock(&st->lock);
    if ((c = vkQemuGetCaps(st)))
        ret = vkCapsFormat(c->caps);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkQemuConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    vkQemuState *st = vkQemuConnState(conn);
    vkQemuCaps *c;
    int ret = -1;

    g_mutex_lock(&st->lock);
    if ((c = vkQemuGetCaps(st))) {
        *hvVer = c->version;
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

const char *
vkQemuConnectGetType(virConnectPtr conn)
{
    return "QEMU";
}

char *
vkQemuConnectGetHostname(virConnectPtr conn)
{
    return g_strdup(g_get_host_name());
}

int
vkQemuNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    g_autofree char *meminfo = NULL;
    g_autofree char *cpuinfo = NULL;
    const char *p;
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, "x86_64", sizeof(info->model));
    if (!g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL) ||
        !(p = strstr(meminfo, "MemTotal:"))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "cannot read MemTotal from /proc/meminfo");
        return -1;
    }
    info->memory = g_ascii_strtoull(p + strlen("MemTotal:"), NULL, 10);
    if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
        (p = strstr(cpuinfo, "cpu MHz")) && (p = strchr(p, ':')))
        info->mhz = (unsigned int)g_ascii_strtod(p + 1, NULL);
    info->cpus = ncpus > 0 ? ncpus : 1;
    info->nodes = 1;
    info->sockets = 1;
    info->cores = info->cpus;
    info->threads = 1;
    return 0;
}

vkDomainDef *
vkQemuParseDef(vkQemuState *st, const char *xml)
{
    return vkQemuParseDefFlags(st, xml, 0);
}

/* parseFlags: VK_DOMAIN_PARSE_INACTIVE for a define, which drops what only
 * a running guest has (a block job's <mirror>, an autoport's port), as
 * libvirt's define does. */
vkDomainDef *
vkQemuParseDefFlags(vkQemuState *st, const char *xml, unsigned int parseFlags)
{
    g_autoptr(vkDomainDef) def = vkDomainDefParseString(xml, "kvm,qemu", parseFlags);
    vkQemuCaps *c;
    const char *canon;

    if (!def)
        return NULL;
    /* the name becomes file names under the driver's directories */
    if (vkDomainNameCheck(def->name) < 0)
        return NULL;
    if (!(c = vkQemuGetCaps(st)))
        return NULL;
    if (strcmp(def->virtType, "kvm") == 0 && !c->kvm) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "domain '%s' asks for type 'kvm' but /dev/kvm is not usable here",
                      def->name);
        return NULL;
    }
    if (!def->osArch)
        def->osArch = g_strdup("x86_64");
    if (!def->osMachine)
        def->osMachine = g_strdup(c->defaultMachine ? c->defaultMachine : "pc");
    else if ((canon = g_hash_table_lookup(c->aliases, def->osMachine))) {
        g_free(def->osMachine);
        def->osMachine = g_strdup(canon);
    }
    if (!def->emulator)
        def->emulator = g_strdup(c->emulator);
    /* libvirt checks redirected USB devices once its implicit USB
     * controller is in */
    if (vkQemuPostParse(def) < 0 || vkDomainDefRedirdevCheck(def) < 0 ||
        vkQemuDefineFirmware(st, def) < 0)
        return NULL;
    if (vkQemuCapsCheckDef(st, def) < 0 || vkQemuValidateDef(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* Guest RAM from huge pages needs pages reserved on the host and
 * hugetlbfs at /dev/hugepages (where the argv puts the backend).  Checked
 * at start only: as with libvirt, a definition is not refused for the
 * host's state, which the administrator may change before the start. */
int
vkQemuCapsCheckHugepages(const vkDomainDef *def)
{
    GPtrArray *top = def->priv ? def->priv->topExtra : NULL;
    g_autofree char *meminfo = NULL;
    g_autofree char *mounts = NULL;
    const char *p;
    bool wanted = false;

    for (guint i = 0; top && i < top->len; i++) {
        const vkXmlElem *e = top->pdata[i];

        for (guint k = 0; strcmp(e->name, "memoryBacking") == 0 && e->children &&
             k < e->children->len; k++)
            wanted |= strcmp(((vkXmlElem *)e->children->pdata[k])->name, "hugepages") == 0;
    }
    if (!wanted)
        return 0;
    if (!g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL) ||
        !(p = strstr(meminfo, "HugePages_Total:")) ||
        g_ascii_strtoull(p + strlen("HugePages_Total:"), NULL, 10) == 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "<hugepages> of domain '%s': this host has no huge pages "
                      "reserved (HugePages_Total is 0 in /proc/meminfo)", def->name);
        return -1;
    }
    if (!g_file_get_contents("/proc/mounts", &mounts, NULL, NULL) ||
        !strstr(mounts, " /dev/hugepages hugetlbfs ")) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "<hugepages> of domain '%s': no hugetlbfs is mounted at /dev/hugepages",
                      def->name);
        return -1;
    }
    return 0;
}

int
vkQemuCapsCheckDef(vkQemuState *st, const vkDomainDef *def)
{
    const vkDomainCpuDef *cpu = def->priv ? def->priv->cpu : NULL;
    vkQemuCaps *c;

    if (!cpu || !cpu->model || g_strcmp0(cpu->mode, "custom") != 0)
        return 0;
    if (!(c = vkQemuGetCaps(st)))
        return -1;
    for (guint i = 0; i < c->cpuTCG->len; i++) {
        const vkQemuCpuModel *m = c->cpuTCG->pdata[i];

        if (strcmp(m->name, cpu->model) == 0)
            return 0;
    }
    vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  "CPU model '%s' of domain '%s' is not known to %s "
                  "(its models are listed by virConnectGetCPUModelNames)",
                  cpu->model, def->name, c->emulator);
    return -1;
}
