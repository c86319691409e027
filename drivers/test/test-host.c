/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's host: node info, capabilities, and how a state is
 * populated (the built-in default host or a host description file).
 *
 * The default host reproduces libvirt's test driver fact for fact (same
 * node numbers, same "test" domain, same UUID) so tools written against
 * libvirt's test:///default see the same machine here.  Host description
 * files use libvirt's format (conf/host-desc.h): node facts, domains in
 * the state <test:runstate> gives (running by default), networks, pools
 * with volumes, node devices, and <auth> users asked for at open.
 */
#include <string.h>
#include <strings.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/capabilities.h"
#include "conf/domaincaps.h"
#include "conf/host-desc.h"
#include "drivers/test/test-private.h"

static const virNodeInfo defaultNodeInfo = {
    .model = "i686",
    .memory = 3145728,
    .cpus = 16,
    .mhz = 1400,
    .nodes = 2,
    .sockets = 2,
    .cores = 2,
    .threads = 2,
};

static const char defaultDomainXML[] =
    "<domain type='test'>"
    "<name>test</name>"
    "<uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>"
    "<memory unit='KiB'>8388608</memory>"
    "<currentMemory unit='KiB'>2097152</currentMemory>"
    "<vcpu placement='static'>2</vcpu>"
    "<os><type arch='i686'>hvm</type><boot dev='hd'/></os>"
    "<clock offset='utc'/>"
    "<on_poweroff>destroy</on_poweroff>"
    "<on_reboot>restart</on_reboot>"
    "<on_crash>destroy</on_crash>"
    "<devices>"
    "<disk type='file' device='disk'>"
    "<source file='/guest/diskimage1'/>"
    "<target dev='vda' bus='virtio'/>"
    "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"
    "</disk>"
    "<interface type='network'>"
    "<mac address='aa:bb:cc:dd:ee:ff'/>"
    "<source network='default'/>"
    "<target dev='testnet0'/>"
    "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>"
    "</interface>"
    "<memballoon model='virtio'>"
    "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>"
    "</memballoon>"
    "</devices>"
    "</domain>";

/* libvirt's default host interface, running. */
static const char defaultIfaceXML[] =
    "<interface type='ethernet' name='eth1'>"
    "<start mode='onboot'/>"
    "<mac address='aa:bb:cc:dd:ee:ff'/>"
    "<mtu size='1492'/>"
    "<protocol family='ipv4'>"
    "<ip address='192.168.0.5' prefix='24'/>"
    "<route gateway='192.168.0.1'/>"
    "</protocol>"
    "</interface>";

static const char testSysinfo[] =
    "<sysinfo type='smbios'>\n"
    "  <bios>\n"
    "    <entry name='vendor'>LENOVO</entry>\n"
    "    <entry name='version'>G4ETA1WW (2.61 )</entry>\n"
    "    <entry name='date'>05/07/2014</entry>\n"
    "    <entry name='release'>2.61</entry>\n"
    "  </bios>\n"
    "</sysinfo>\n";

int
vkTestHostInitDefault(vkTestState *st)
{
    g_autoptr(vkDomainDef) def = NULL;
    vkTestDomain *obj;

    st->nodeInfo = defaultNodeInfo;
    /* libvirt's default host reports these per-cell numbers, which do not
     * add up to the node memory; tools compare against them as they are. */
    st->ncells = 2;
    st->cellFreeMem[0] = 2097152;
    st->cellFreeMem[1] = 4194304;

    if (!(def = vkTestParseDef(defaultDomainXML, VK_DOMAIN_PARSE_INACTIVE)))
        return -1;
    if (!(obj = vkTestDomainAdd(st, &def, false, NULL)))
        return -1;
    if (vkTestDomainStart(st, obj, VIR_DOMAIN_RUNNING_UNKNOWN) < 0)
        return -1;
    return vkTestIfaceAddHost(st, defaultIfaceXML);
}

/* libvirt's test driver asks for a user name and a password through the
 * connection's auth callback and accepts a pair the file lists; the
 * prompts are libvirt's, so virsh shows the same ones. */
static int
checkAuth(const vkHostDesc *desc, virConnectAuthPtr auth)
{
    virConnectCredential cred[2] = {
        { .type = VIR_CRED_AUTHNAME, .prompt = "Enter username for localhost",
          .challenge = "localhost" },
        { .type = VIR_CRED_PASSPHRASE, .challenge = "localhost" },
    };
    g_autofree char *prompt = NULL;
    bool ok = false;

    if (!auth || !auth->cb) {
        vkReportErrorFull(VIR_FROM_AUTH, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "%s", "Missing authentication credentials");
        return -1;
    }
    if (auth->cb(&cred[0], 1, auth->cbdata) < 0 || !cred[0].result) {
        vkReportError(VIR_ERR_AUTH_FAILED, "%s", "Unable to get username");
        goto out;
    }
    prompt = g_strdup_printf("Enter %s's password for localhost", cred[0].result);
    cred[1].prompt = prompt;
    if (auth->cb(&cred[1], 1, auth->cbdata) < 0 || !cred[1].result) {
        vkReportError(VIR_ERR_AUTH_FAILED, "%s", "Unable to get password");
        goto out;
    }
    for (guint i = 0; i + 1 < desc->users->len; i += 2) {
        if (strcmp(desc->users->pdata[i], cred[0].result) == 0 &&
            strcmp(desc->users->pdata[i + 1], cred[1].result) == 0)
            ok = true;
    }
    if (!ok)
        vkReportError(VIR_ERR_AUTH_FAILED, "%s",
                      "authentication failed, see test XML for the correct username/password");
 out:
    g_free(cred[0].result);
    if (cred[1].result)
        explicit_bzero(cred[1].result, strlen(cred[1].result));
    g_free(cred[1].result);
    return ok ? 0 : -1;
}

/* The file's domains, in the state <test:runstate> names (running with
 * no reason when absent, as libvirt's test driver starts them). */
static int
addDomains(vkTestState *st, vkHostDesc *desc)
{
    for (guint i = 0; i < desc->domains->len; i++) {
        g_autoptr(vkDomainDef) def = g_steal_pointer(&desc->domains->pdata[i]);
        int runstate = g_array_index(desc->runstates, int, i);
        vkTestDomain *obj;

        vkTestNameInterfaces(def);
        if (!(obj = vkTestDomainAdd(st, &def, false, NULL)))
            return -1;
        if (runstate == VIR_DOMAIN_SHUTOFF) {
            vkTestDomainSetState(obj, VIR_DOMAIN_SHUTOFF, 0);
            continue;
        }
        if (vkTestDomainStart(st, obj, VIR_DOMAIN_RUNNING_UNKNOWN) < 0)
            return -1;
        if (runstate > 0)
            vkTestDomainSetState(obj, runstate, 0);
    }
    return 0;
}

int
vkTestHostLoadFile(vkTestState *st, const char *path, virConnectAuthPtr auth)
{
    g_autoptr(vkHostDesc) desc = vkHostDescLoad(path, &defaultNodeInfo);
    unsigned long long total;

    if (!desc)
        return -1;
    if (desc->hasAuth && checkAuth(desc, auth) < 0)
        return -1;
    st->nodeInfo = desc->info;
    total = (unsigned long long)st->nodeInfo.nodes * st->nodeInfo.sockets *
            st->nodeInfo.cores * st->nodeInfo.threads;
    st->nodeInfo.cpus = (desc->active && desc->active < total) ? desc->active : total;
    /* libvirt's test driver gives a host file no NUMA cells (whatever its
     * <nodes> says): its capabilities list none and freecell sums nothing */
    st->ncells = 0;

    if (addDomains(st, desc) < 0)
        return -1;
    for (guint i = 0; i < desc->networks->len; i++) {
        if (vkTestNetworkAddHost(st, desc->networks->pdata[i]) < 0)
            return -1;
    }
    for (guint i = 0; i < desc->pools->len; i++) {
        vkHostDescPool *pool = desc->pools->pdata[i];

        if (vkTestStorageAddHost(st, pool->xml, pool->volumes) < 0)
            return -1;
    }
    for (guint i = 0; i < desc->devices->len; i++) {
        if (vkTestNodeDevAddHost(st, desc->devices->pdata[i]) < 0)
            return -1;
    }
    for (guint i = 0; i < desc->interfaces->len; i++) {
        if (vkTestIfaceAddHost(st, desc->interfaces->pdata[i]) < 0)
            return -1;
    }
    return 0;
}

const char *
vkTestConnectGetType(virConnectPtr conn)
{
    return "TEST";
}

int
vkTestConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    /* libvirt's test hypervisor calls itself version 0.0.2. */
    *hvVer = 2;
    return 0;
}

int
vkTestConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer)
{
    /* the library's own version, which libvirt's API layer answers for a
     * driver without this call */
    *libVer = LIBVIR_VERSION_NUMBER;
    return 0;
}

char *
vkTestConnectGetHostname(virConnectPtr conn)
{
    return g_strdup(vkTestConnState(conn)->hostname);
}

/* Built on each call from the state's node info: the host it describes
 * (cells, CPUs per cell) follows a loaded host description file. */
static vkCaps *
buildCaps(const vkTestState *st)
{
    static const unsigned int pageSizes[] = { 4, 8, 2048, 1048576 };
    static const struct {
        const char *osType;
        const char *arch;
        int wordsize;
    } guests[] = {
        { "hvm", "i686", 32 },
        { "xen", "i686", 32 },
    };
    vkCaps *caps = vkCapsNew("i686");
    unsigned int perCell = st->ncells ? st->nodeInfo.cpus / st->ncells : 0;

    vkCapsAddHostFeature(caps, "pae");
    vkCapsAddHostFeature(caps, "nonpae");
    g_array_append_vals(caps->pageSizes, pageSizes, G_N_ELEMENTS(pageSizes));
    caps->powerManagement = true;
    caps->numa = true;
    caps->iommu = 0;
    caps->secModel = g_strdup("testSecurity");
    caps->secDoi = g_strdup("");

    for (int c = 0; c < st->ncells; c++) {
        vkCapsCell *cell = vkCapsAddCell(caps, c, st->cellFreeMem[c]);
        /* libvirt's test host gives cell N base pages of (4 << N) KiB; a
         * client comparing both sees the same layout */
        unsigned int base = 4u << (c < 8 ? c : 8);

        vkCapsCellAddPages(cell, base, st->cellFreeMem[c] / base);
        vkCapsCellAddPages(cell, 2048, 0);
        vkCapsCellAddPages(cell, 1048576, 0);

        for (unsigned int i = 0; i < perCell; i++) {
            unsigned int id = c * perCell + i;
            g_autofree char *siblings = g_strdup_printf("%u", id);

            vkCapsCellAddCPU(cell, id, c, 0, i, siblings);
        }
    }

    for (size_t i = 0; i < G_N_ELEMENTS(guests); i++) {
        vkCapsGuest *g = vkCapsAddGuest(caps, guests[i].osType, guests[i].arch,
                                        guests[i].wordsize, "/usr/bin/test-hv", NULL);

        vkCapsGuestAddDomain(g, "test", NULL);
        vkCapsGuestAddFeature(g, "pae", false, false, false);
        vkCapsGuestAddFeature(g, "nonpae", false, false, false);
    }
    return caps;
}

char *
vkTestConnectGetCapabilities(virConnectPtr conn)
{
    vkTestState *st = vkTestConnState(conn);
    g_autoptr(vkCaps) caps = NULL;

    g_mutex_lock(&st->lock);
    caps = buildCaps(st);
    g_mutex_unlock(&st->lock);
    return vkCapsFormat(caps);
}

/* The one emulator of the test host, described as what the test driver's
 * domain XML accepts: virt-install and virt-manager pick their default
 * devices from this, so it names the devices they would add anyway. */
char *
vkTestConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                   const char *arch, const char *machine,
                                   const char *virttype, unsigned int flags)
{
    g_autoptr(vkDomainCaps) caps = NULL;
    vkDomCapsBlock *b;

    vkCheckFlags(0, NULL);
    if (emulatorbin && strcmp(emulatorbin, "/usr/bin/test-hv") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "no emulator '%s' on the test host "
                      "(it has /usr/bin/test-hv)", emulatorbin);
        return NULL;
    }
    if (arch && strcmp(arch, "i686") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "architecture '%s' is not supported "
                      "by the test host (it runs i686)", arch);
        return NULL;
    }
    if (virttype && strcmp(virttype, "test") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "virtualization type '%s' is not "
                      "supported by the test host (it has 'test')", virttype);
        return NULL;
    }

    caps = vkDomainCapsNew("/usr/bin/test-hv", "test", machine, "i686");
    caps->maxVcpus = VK_TEST_MAX_VCPUS;
    caps->iothreads = 0;
    caps->os = vkDomCapsBlockNew("os", true);
    vkDomCapsBlockAddEnum(caps->os, "firmware", NULL);
    caps->hasCPU = true;
    caps->memoryBacking = vkDomCapsBlockNew("memoryBacking", false);

    b = vkDomainCapsAddDevice(caps, "disk", true);
    vkDomCapsBlockAddEnum(b, "diskDevice", "disk", "cdrom", "floppy", "lun", NULL);
    vkDomCapsBlockAddEnum(b, "bus", "ide", "fdc", "scsi", "virtio", "usb", "sata", NULL);
    b = vkDomainCapsAddDevice(caps, "graphics", true);
    vkDomCapsBlockAddEnum(b, "type", "sdl", "vnc", "spice", NULL);
    b = vkDomainCapsAddDevice(caps, "video", true);
    vkDomCapsBlockAddEnum(b, "modelType", "vga", "cirrus", "qxl", "none", NULL);
    vkDomainCapsAddDevice(caps, "hostdev", false);
    vkDomainCapsAddDevice(caps, "rng", false);
    vkDomainCapsAddDevice(caps, "filesystem", false);
    vkDomainCapsAddDevice(caps, "tpm", false);
    b = vkDomainCapsAddDevice(caps, "redirdev", true);
    vkDomCapsBlockAddEnum(b, "bus", "usb", NULL);
    b = vkDomainCapsAddDevice(caps, "channel", true);
    vkDomCapsBlockAddEnum(b, "type", "pty", "unix", "spicevmc", NULL);

    vkDomainCapsAddFeature(caps, "vmcoreinfo", false);
    vkDomainCapsAddFeature(caps, "genid", false);
    vkDomainCapsAddFeature(caps, "backingStoreInput", false);
    vkDomainCapsAddFeature(caps, "backup", false);
    vkDomainCapsAddFeature(caps, "sev", false);
    return vkDomainCapsFormat(caps);
}

int
vkTestConnectGetMaxVcpus(virConnectPtr conn, const char *type)
{
    return VK_TEST_MAX_VCPUS;
}

char *
vkTestConnectGetSysinfo(virConnectPtr conn, unsigned int flags)
{
    vkCheckFlags(0, NULL);
    return g_strdup(testSysinfo);
}

int
vkTestConnectIsAlive(virConnectPtr conn)
{
    return 1;
}

int
vkTestConnectIsSecure(virConnectPtr conn)
{
    /* Nothing leaves the process. */
    return 1;
}

int
vkTestConnectIsEncrypted(virConnectPtr conn)
{
    return 0;
}

int
vkTestNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    vkTestState *st = vkTestConnState(conn);

    g_mutex_lock(&st->lock);
    *info = st->nodeInfo;
    g_mutex_unlock(&st->lock);
    return 0;
}

unsigned long long
vkTestNodeGetFreeMemory(virConnectPtr conn)
{
    vkTestState *st = vkTestConnState(conn);
    unsigned long long mem;

    /* Reported as libvirt's test driver does: the node memory figure, or
     * 0 (its sum over no cells, and no error set) for a host file. */
    g_mutex_lock(&st->lock);
    mem = st->ncells ? st->nodeInfo.memory : 0;
    g_mutex_unlock(&st->lock);
    return mem;
}

int
vkTestNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems,
                             int startCell, int maxCells)
{
    vkTestState *st = vkTestConnState(conn);
    int i;

    g_mutex_lock(&st->lock);
    if (startCell < 0 || startCell >= st->ncells || maxCells < 0) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "Range exceeds available cells");
        return -1;
    }
    for (i = 0; i < maxCells && startCell + i < st->ncells; i++)
        freeMems[i] = st->cellFreeMem[startCell + i];
    g_mutex_unlock(&st->lock);
    return i;
}

int
vkTestNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    memset(secmodel, 0, sizeof(*secmodel));
    g_strlcpy(secmodel->model, "testSecurity", sizeof(secmodel->model));
    return 0;
}
