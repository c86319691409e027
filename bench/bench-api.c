/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* API micro-benchmark: the operations a management application repeats on
 * a host with many domains, timed through the public API only.
 *
 * It is written with libvirt's names and headers alone, so one source builds
 * against libvirtkit and against libvirt and the two binaries time exactly
 * the same calls (bench/run.sh runs them side by side).  Results go to
 * stdout one per line, "<op>_<unit> <value>", for scripts to read.
 *
 *   bench-api [-n N] [-u URI] [-r REPEATS] [-t DOMAIN_TYPE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* A realistic KVM guest: one disk, one NIC with a fixed MAC, serial and
 * console, VNC.  About 1.2 KB once the name, uuid and MAC are filled in.
 * The domain type is the test driver's own ('-t kvm' to change it). */
static const char xml_template[] =
    "<domain type='%s'>\n"
    "  <name>bench-%08d</name>\n"
    "  <uuid>c7a5fdbd-cdaf-4455-926a-%012x</uuid>\n"
    "  <memory unit='KiB'>1048576</memory>\n"
    "  <currentMemory unit='KiB'>1048576</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <features><acpi/><apic/></features>\n"
    "  <cpu mode='host-passthrough' check='none' migratable='on'/>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='/var/lib/libvirt/images/bench-%08d.qcow2'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:%02x:%02x:%02x'/>\n"
    "      <source network='default'/>\n"
    "      <model type='virtio'/>\n"
    "    </interface>\n"
    "    <serial type='pty'><target port='0'/></serial>\n"
    "    <console type='pty'><target type='serial' port='0'/></console>\n"
    "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n"
    "  </devices>\n"
    "</domain>\n";

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Minor page faults so far: a call that maps, trims or first touches
 * memory shows here even when its time hides it in the noise. */
static long minor_faults(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* The floor for ListAllDomains' per-domain cost on this machine: the same
 * memory traffic with nothing else around it.  n records laid out in a row
 * (name, uuid, id; about a test-driver object's size) are copied into n
 * fresh handle-sized blocks whose pointers go to a new array, which is then
 * walked and freed as the caller frees the list.  What ListAllDomains costs
 * above this is the library's; how this grows with n is the cache's. */
struct floor_src { char name[48]; unsigned char uuid[16]; int id; char rest[124]; };
struct floor_dst { unsigned int magic; int refs; void *conn; char *name;
                   unsigned char uuid[16]; int id; void *next; char inl[40]; };

static double floor_ns_per_domain(int n, int repeats)
{
    struct floor_src *src = calloc(n, sizeof(*src));
    struct floor_dst *pool = calloc(n, sizeof(*pool));
    volatile long sink = 0;
    double t;

    if (!src || !pool)
        abort();
    for (int i = 0; i < n; i++) {
        snprintf(src[i].name, sizeof(src[i].name), "bench-%08d", i + 1);
        src[i].id = -1;
    }
    t = now_us();
    for (int r = 0; r < repeats; r++) {
        struct floor_dst **list = malloc((n + 1) * sizeof(*list));

        if (!list)
            abort();
        for (int i = 0; i < n; i++) {
            struct floor_dst *d = &pool[i];
            size_t len = strlen(src[i].name);

            d->magic = 0x764f4d44;
            d->refs = 1;
            memcpy(d->inl, src[i].name, len + 1);
            d->name = d->inl;
            memcpy(d->uuid, src[i].uuid, 16);
            d->id = src[i].id;
            list[i] = d;
        }
        list[n] = NULL;
        for (int i = 0; i < n; i++)
            sink += --list[i]->refs;
        free(list);
    }
    t = now_us() - t;
    free(src);
    free(pool);
    return t * 1e3 / repeats / n;
}

static void die(const char *what, int i)
{
    fprintf(stderr, "bench-api: %s failed at #%d: %s\n", what, i,
            virGetLastErrorMessage());
    exit(1);
}

static char *domain_xml(const char *type, int i)
{
    int len = snprintf(NULL, 0, xml_template, type, i, (unsigned)i, i,
                       (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    char *xml = malloc(len + 1);

    if (!xml)
        abort();
    snprintf(xml, len + 1, xml_template, type, i, (unsigned)i, i,
             (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    return xml;
}

/* ListAllDomains of all n domains, the handles freed as a caller would. */
static void list_all(virConnectPtr conn, int n)
{
    virDomainPtr *list = NULL;
    int got = virConnectListAllDomains(conn, &list, 0);

    if (got < n)
        die("virConnectListAllDomains", got);
    for (int i = 0; i < got; i++)
        virDomainFree(list[i]);
    free(list);
}

int main(int argc, char **argv)
{
    const char *uri = "test:///default";
    const char *type = "test";
    int n = 1000, repeats = 0, opt;
    virConnectPtr conn;
    virDomainPtr *doms;
    char **xmls;
    size_t xml_bytes = 0, desc_bytes = 0;
    double t;
    long flt;

    while ((opt = getopt(argc, argv, "n:u:r:t:")) != -1) {
        switch (opt) {
        case 'n': n = atoi(optarg); break;
        case 'u': uri = optarg; break;
        case 'r': repeats = atoi(optarg); break;
        case 't': type = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-n N] [-u URI] [-r LISTALL_REPEATS] [-t DOMAIN_TYPE]\n", argv[0]);
            return 2;
        }
    }
    if (n <= 0 || n > 0xffffff) {
        fprintf(stderr, "bench-api: N must be within 1..16777215\n");
        return 2;
    }
    /* Enough ListAllDomains calls for ~200k domains returned in total. */
    if (repeats <= 0)
        repeats = n >= 200000 ? 1 : 200000 / n;

    conn = virConnectOpen(uri);
    if (!conn)
        die("virConnectOpen", 0);

    doms = calloc(n, sizeof(*doms));
    xmls = calloc(n, sizeof(*xmls));
    if (!doms || !xmls)
        abort();
    /* The XML strings are built before the clock starts: only the API is timed. */
    for (int i = 0; i < n; i++) {
        xmls[i] = domain_xml(type, i + 1);
        xml_bytes += strlen(xmls[i]);
    }
    printf("n %d\n", n);
    printf("xml_bytes %zu\n", xml_bytes / n);

    t = now_us();
    for (int i = 0; i < n; i++)
        if (!(doms[i] = virDomainDefineXML(conn, xmls[i])))
            die("virDomainDefineXML", i);
    printf("define_us %.2f\n", (now_us() - t) / n);

    t = now_us();
    for (int i = 0; i < n; i++) {
        char name[32];
        virDomainPtr d;

        snprintf(name, sizeof(name), "bench-%08d", i + 1);
        if (!(d = virDomainLookupByName(conn, name)))
            die("virDomainLookupByName", i);
        virDomainFree(d);
    }
    printf("lookup_us %.2f\n", (now_us() - t) / n);

    t = now_us();
    for (int i = 0; i < n; i++) {
        char *x = virDomainGetXMLDesc(doms[i], 0);

        if (!x)
            die("virDomainGetXMLDesc", i);
        desc_bytes += strlen(x);
        free(x);
    }
    printf("xmldesc_us %.2f\n", (now_us() - t) / n);

    t = now_us();
    for (int i = 0; i < n; i++) {
        virDomainInfo info;

        if (virDomainGetInfo(doms[i], &info) < 0)
            die("virDomainGetInfo", i);
    }
    printf("info_us %.2f\n", (now_us() - t) / n);

    /* One untimed call first: the handle cache and the heap reach their
     * steady state, which is what a management loop sees. */
    list_all(conn, n);
    flt = minor_faults();
    t = now_us();
    for (int r = 0; r < repeats; r++)
        list_all(conn, n);
    t = now_us() - t;
    flt = minor_faults() - flt;
    printf("listall_ms %.3f\n", t / repeats / 1e3);
    printf("listall_ns_per_domain %.1f\n", t * 1e3 / repeats / n);
    printf("listall_minflt_per_call %.2f\n", (double)flt / repeats);
    printf("listall_floor_ns_per_domain %.1f\n", floor_ns_per_domain(n, repeats));

    t = now_us();
    for (int i = 0; i < n; i++)
        if (virDomainUndefine(doms[i]) < 0)
            die("virDomainUndefine", i);
    printf("undefine_us %.2f\n", (now_us() - t) / n);

    printf("xmldesc_bytes %zu\n", desc_bytes / n);
    for (int i = 0; i < n; i++) {
        virDomainFree(doms[i]);
        free(xmls[i]);
    }
    free(doms);
    free(xmls);
    virConnectClose(conn);
    return 0;
}
