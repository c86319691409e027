/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's host: node info, capabilities, and how a state is
 * populated (the built-in default host or a host description file).
 *
 * The default host reproduces libvirt's test driver fact for fact (same
 * node numbers, same "test" domain, same UUID) so tools written against
 * libvirt's test:///default see the same machine here.  Host description
 * files use libvirt's format: <node> with <cpu>, <memory> and <domain>
 * children; every domain they describe starts out running.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/capabilities.h"
#include "conf/domaincaps.h"
#include "drivers/test/test-private.h"

/* Host description files are small; anything bigger is a mistake. */
#define VK_TEST_HOST_FILE_MAX (64 * 1024 * 1024)

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
    return 0;
}

static char *
nodeText(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret = g_strdup(content ? g_strstrip((char *)content) : "");

    xmlFree(content);
    return ret;
}

static int
parseUInt(xmlNodePtr node, const char *path, const char *what, unsigned long long max,
          unsigned long long *value)
{
    g_autofree char *text = nodeText(node);
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    v = g_ascii_strtoull(text, &end, 10);
    if (!*text || *end || errno != 0 || text[0] == '-' || v > max) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for %s in host description file '%s' (line %ld)",
                      text, what, path, (long)xmlGetLineNo(node));
        return -1;
    }
    *value = v;
    return 0;
}

static int
parseCpu(vkTestState *st, xmlNodePtr cpu, const char *path, unsigned long long *active)
{
    for (xmlNodePtr n = cpu->children; n; n = n->next) {
        const char *name = (const char *)n->name;
        unsigned long long v;
        unsigned int *field = NULL;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "model") == 0) {
            g_autofree char *model = nodeText(n);

            if (*model)
                g_strlcpy(st->nodeInfo.model, model, sizeof(st->nodeInfo.model));
            continue;
        }
        if (strcmp(name, "mhz") == 0)
            field = &st->nodeInfo.mhz;
        else if (strcmp(name, "nodes") == 0)
            field = &st->nodeInfo.nodes;
        else if (strcmp(name, "sockets") == 0)
            field = &st->nodeInfo.sockets;
        else if (strcmp(name, "cores") == 0)
            field = &st->nodeInfo.cores;
        else if (strcmp(name, "threads") == 0)
            field = &st->nodeInfo.threads;
        else if (strcmp(name, "active") != 0)
            continue;

        {
            g_autofree char *what = g_strdup_printf("<cpu><%s>", name);

            if (parseUInt(n, path, what, 65536, &v) < 0)
                return -1;
            if (v == 0) {
                vkReportError(VIR_ERR_XML_ERROR,
                              "%s must be positive in host description file '%s' (line %ld)",
                              what, path, (long)xmlGetLineNo(n));
                return -1;
            }
        }
        if (field)
            *field = v;
        else
            *active = v;
    }
    return 0;
}

/* Reads a whole file with a precise error; libxml2 never opens files. */
static char *
readFile(const char *path, const char *what, size_t *len)
{
    g_autofree char *data = NULL;
    struct stat sb;
    size_t got = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "cannot read %s '%s'", what, path);
        return NULL;
    }
    if (fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot read %s '%s'", what, path);
        goto error;
    }
    if (!S_ISREG(sb.st_mode)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s '%s' is not a regular file", what, path);
        goto error;
    }
    if (sb.st_size > VK_TEST_HOST_FILE_MAX) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s '%s' is too large (%lld bytes, limit %d)",
                      what, path, (long long)sb.st_size, VK_TEST_HOST_FILE_MAX);
        goto error;
    }
    data = g_malloc(sb.st_size + 1);
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, data + got, sb.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vkReportSystemError(errno, "cannot read %s '%s'", what, path);
            goto error;
        }
        if (n == 0)
            break;
        got += n;
    }
    close(fd);
    data[got] = '\0';
    *len = got;
    return g_steal_pointer(&data);

 error:
    close(fd);
    return NULL;
}

typedef struct {
    int line;
    char *message;
} firstError;

/* libxml2 reports follow-on errors after the first one; the first is the
 * one that names the real mistake, so keep only that. */
static void
keepFirstError(void *userData, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = userData;
    firstError *first = ctxt->_private;

    if (first->message || !err)
        return;
    first->line = err->line;
    first->message = g_strdup(err->message ? err->message : "unknown error");
    g_strchomp(first->message);
}

/* Safe parse: no network, no DTD loading, entities left unexpanded. */
static xmlDocPtr
parseXMLFile(const char *path, const char *what)
{
    g_autofree char *data = NULL;
    size_t len = 0;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    firstError first = { 0, NULL };

    if (!(data = readFile(path, what, &len)))
        return NULL;
    if (!(ctxt = xmlNewParserCtxt())) {
        vkReportOOM();
        return NULL;
    }
    ctxt->_private = &first;
    ctxt->sax->serror = keepFirstError;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        vkReportError(VIR_ERR_XML_ERROR, "%s '%s' is not well-formed (line %d): %s",
                      what, path, first.line,
                      first.message ? first.message : "no root element");
        xmlFreeDoc(doc);
        doc = NULL;
    }
    g_free(first.message);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

static int
loadDomain(vkTestState *st, xmlNodePtr node, const char *path)
{
    g_autoptr(vkDomainDef) def = NULL;
    xmlDocPtr sub = NULL;
    xmlChar *file = xmlGetProp(node, (const xmlChar *)"file");
    vkTestDomain *obj;
    int ret = -1;

    if (file) {
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *full = g_path_is_absolute((const char *)file) ?
            g_strdup((const char *)file) :
            g_build_filename(dir, (const char *)file, NULL);

        xmlFree(file);
        if (!(sub = parseXMLFile(full, "domain file")))
            return -1;
        node = xmlDocGetRootElement(sub);
        if (strcmp((const char *)node->name, "domain") != 0) {
            vkReportError(VIR_ERR_XML_ERROR,
                          "domain file '%s' has root element <%s>, expected <domain>",
                          full, (const char *)node->name);
            goto cleanup;
        }
    }

    if (!(def = vkDomainDefParseNode(node, NULL, VK_DOMAIN_PARSE_INACTIVE)))
        goto cleanup;
    if (g_hash_table_contains(st->byName, def->name)) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "host description file '%s' describes domain '%s' twice",
                      path, def->name);
        goto cleanup;
    }
    if (!(obj = vkTestDomainAdd(st, &def, false, NULL)))
        goto cleanup;
    /* libvirt reports these as running for an unknown reason. */
    if (vkTestDomainStart(st, obj, VIR_DOMAIN_RUNNING_UNKNOWN) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    xmlFreeDoc(sub);
    return ret;
}

int
vkTestHostLoadFile(vkTestState *st, const char *path)
{
    xmlDocPtr doc;
    xmlNodePtr root;
    unsigned long long active = 0, total;
    int ret = -1;

    st->nodeInfo = defaultNodeInfo;
    if (!(doc = parseXMLFile(path, "host description file")))
        return -1;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "node") != 0) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "host description file '%s' has root element <%s>, expected <node>",
                      path, (const char *)root->name);
        goto cleanup;
    }

    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "cpu") == 0) {
            if (parseCpu(st, n, path, &active) < 0)
                goto cleanup;
        } else if (strcmp((const char *)n->name, "memory") == 0) {
            unsigned long long mem;

            if (parseUInt(n, path, "<memory>", G_MAXUINT64 / 1024, &mem) < 0)
                goto cleanup;
            st->nodeInfo.memory = mem;
        }
    }

    total = (unsigned long long)st->nodeInfo.nodes * st->nodeInfo.sockets *
            st->nodeInfo.cores * st->nodeInfo.threads;
    st->nodeInfo.cpus = (active && active < total) ? active : total;
    st->ncells = MIN(st->nodeInfo.nodes, VK_TEST_MAX_CELLS);
    for (int i = 0; i < st->ncells; i++)
        st->cellFreeMem[i] = st->nodeInfo.memory / st->ncells;

    /* Domains last, so one failing leaves nothing half-described above. */
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "domain") == 0 &&
            loadDomain(st, n, path) < 0)
            goto cleanup;
    }
    ret = 0;

 cleanup:
    xmlFreeDoc(doc);
    return ret;
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

    /* Reported as libvirt's test driver does: the node memory figure. */
    g_mutex_lock(&st->lock);
    mem = st->nodeInfo.memory;
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
