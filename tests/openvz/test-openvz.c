/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OpenVZ driver through the public API, against the vzctl/vzlist
 * stand-in (fake-vzctl, fake-vzlist) in a private root per test.
 *
 * argv[1]: the directory holding the stand-in tools; argv[2]:
 * tests/data/openvz (vz.conf, the "basic" sample config); optional
 * argv[3], argv[4]: python3 and fakevz-server.py, which then serves the
 * tools from one interpreter (the tools in argv[1] are its clients).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virtkit/virtkit.h"
#include "conf/domain-conf.h"
#include "drivers/openvz/openvz-driver.h"

static const char *toolDir;
static const char *dataDir;

#define UUID "c7a5fdbd-cdaf-9455-926a-d65c16db1809"
#define TEMPLATE "debian-7-x86_64-minimal"

static const char *ctXML =
    "<domain type='openvz'>\n"
    "  <name>101</name>\n"
    "  <uuid>" UUID "</uuid>\n"
    "  <memory unit='MiB'>512</memory>\n"
    "  <vcpu>2</vcpu>\n"
    "  <os><type>exe</type><init>/sbin/init</init></os>\n"
    "  <devices>\n"
    "    <filesystem type='template'>\n"
    "      <source name='" TEMPLATE "'/>\n"
    "      <target dir='/'/>\n"
    "      <space_hard_limit unit='GiB'>2</space_hard_limit>\n"
    "      <space_soft_limit unit='MiB'>1536</space_soft_limit>\n"
    "    </filesystem>\n"
    "    <interface type='ethernet'><ip address='10.0.0.5'/></interface>\n"
    "    <interface type='bridge'>\n"
    "      <mac address='52:54:00:11:22:33'/>\n"
    "      <source bridge='br0'/>\n"
    "      <guest dev='eth0'/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n";

typedef struct {
    char *root;
    virConnectPtr conn;
} Fixture;

static void
copyFile(const char *from, const char *to)
{
    g_autofree char *text = NULL;

    assert_true(g_file_get_contents(from, &text, NULL, NULL));
    assert_true(g_file_set_contents(to, text, -1, NULL));
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    g_autofree char *p = NULL;
    g_autofree char *tool = NULL;

    f->root = g_dir_make_tmp("vk-openvz-XXXXXX", NULL);
    assert_non_null(f->root);
    for (const char *const *d = (const char *const[]){ "etc/vz/conf", "vz/template/cache",
                                                       "proc/vz", NULL }; *d; d++) {
        g_autofree char *dir = g_build_filename(f->root, *d, NULL);
        assert_int_equal(g_mkdir_with_parents(dir, 0755), 0);
    }
    g_autofree char *src1 = g_build_filename(dataDir, "vz.conf", NULL);
    g_autofree char *dst1 = g_build_filename(f->root, "etc/vz/vz.conf", NULL);
    g_autofree char *src2 = g_build_filename(dataDir, "ve-basic.conf-sample", NULL);
    g_autofree char *dst2 = g_build_filename(f->root, "etc/vz/conf/ve-basic.conf-sample", NULL);
    copyFile(src1, dst1);
    copyFile(src2, dst2);
    p = g_build_filename(f->root, "vz/template/cache/" TEMPLATE ".tar.gz", NULL);
    assert_true(g_file_set_contents(p, "", 0, NULL));

    g_setenv("VIRTKIT_OPENVZ_ROOT", f->root, TRUE);
    tool = g_build_filename(toolDir, "fake-vzctl", NULL);
    g_setenv("VIRTKIT_VZCTL", tool, TRUE);
    g_free(tool);
    tool = g_build_filename(toolDir, "fake-vzlist", NULL);
    g_setenv("VIRTKIT_VZLIST", tool, TRUE);

    f->conn = virConnectOpen("openvz:///system");
    assert_non_null(f->conn);
    *state = f;
    return 0;
}

static void
rmTree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *e;

    if (dir) {
        while ((e = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, e, NULL);

            if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                rmTree(child);
            else
                g_unlink(child);
        }
        g_dir_close(dir);
    }
    g_rmdir(path);
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    virConnectClose(f->conn);
    rmTree(f->root);
    g_free(f->root);
    g_free(f);
    return 0;
}

static char *
readConf(Fixture *f, int ctid)
{
    g_autofree char *name = g_strdup_printf("etc/vz/conf/%d.conf", ctid);
    g_autofree char *path = g_build_filename(f->root, name, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

/* The line KEY="..." of a conf (exact match of the whole line). */
static void
assertConfLine(const char *conf, const char *line)
{
    g_autofree char *needle = g_strdup_printf("\n%s\n", line);
    g_autofree char *hay = g_strdup_printf("\n%s", conf);

    if (!strstr(hay, needle))
        fail_msg("line '%s' not in config:\n%s", line, conf);
}

static void
assertErrorIn(int errdomain, int code, const char *part)
{
    virErrorPtr err = virGetLastError();

    assert_non_null(err);
    if (err->code != code || (part && !strstr(err->message, part)))
        fail_msg("expected error %d containing '%s', got %d: %s", code,
                 part ? part : "", err->code, err->message);
    if (errdomain >= 0)
        assert_int_equal(err->domain, errdomain);
}

/* An error the driver (not the XML parser) reported. */
static void
assertError(int code, const char *part)
{
    assertErrorIn(VIR_FROM_OPENVZ, code, part);
}

static int
stateOf(virDomainPtr dom)
{
    int st = -1, reason = -1;

    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    return st;
}

static void
testConnect(void **state)
{
    Fixture *f = *state;
    unsigned long ver = 0;
    virNodeInfo info;
    g_autofree char *caps = NULL;

    assert_string_equal(virConnectGetType(f->conn), "OpenVZ");
    assert_int_equal(virConnectGetVersion(f->conn, &ver), 0);
    assert_int_equal(ver, 4009004);        /* "vzctl version 4.9.4" */
    assert_int_equal(virNodeGetInfo(f->conn, &info), 0);
    assert_true(info.memory > 0 && info.cpus > 0);
    caps = virConnectGetCapabilities(f->conn);
    assert_non_null(caps);
    assert_non_null(strstr(caps, "<os_type>exe</os_type>"));
    assert_non_null(strstr(caps, "<domain type='openvz'"));
    assert_int_equal(virConnectNumOfDomains(f->conn), 0);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 0);

    /* Only /system exists. */
    assert_null(virConnectOpen("openvz:///session"));
    assertError(VIR_ERR_INVALID_ARG, "openvz:///system");
}

static void
testDefineConfig(void **state)
{
    Fixture *f = *state;
    virDomainPtr dom = virDomainDefineXML(f->conn, ctXML);
    g_autofree char *conf = NULL;
    g_autofree char *xml = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), "101");
    assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
    assert_string_equal(uuid, UUID);

    conf = readConf(f, 101);
    assert_non_null(conf);
    assertConfLine(conf, "OSTEMPLATE=\"" TEMPLATE "\"");
    assertConfLine(conf, "CPUS=\"2\"");
    assertConfLine(conf, "PHYSPAGES=\"0:131072\"");        /* 512 MiB in 4 KiB pages */
    assertConfLine(conf, "DISKSPACE=\"1572864:2097152\""); /* soft:hard, KiB */
    assertConfLine(conf, "IP_ADDRESS=\"10.0.0.5\"");
    assertConfLine(conf, "NETIF=\"ifname=eth0,mac=52:54:00:11:22:33,"
                         "host_ifname=veth101.0,bridge=br0\"");
    assertConfLine(conf, "#UUID: " UUID);
    assertConfLine(conf, "ORIGIN_SAMPLE=\"basic\"");  /* CONFIGFILE of vz.conf */

    xml = virDomainGetXMLDesc(dom, 0);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<domain type='openvz'>"));
    assert_non_null(strstr(xml, "<name>101</name>"));
    assert_non_null(strstr(xml, "<uuid>" UUID "</uuid>"));
    assert_non_null(strstr(xml, "<memory unit='KiB'>524288</memory>"));
    assert_non_null(strstr(xml, ">2</vcpu>"));
    assert_non_null(strstr(xml, "<type>exe</type>"));
    assert_non_null(strstr(xml, "<source name='" TEMPLATE "'/>"));
    assert_non_null(strstr(xml, "<ip address='10.0.0.5'/>"));
    assert_non_null(strstr(xml, "<source bridge='br0'/>"));
    assert_non_null(strstr(xml, "52:54:00:11:22:33"));
    if (vkDomainXMLValidate(xml) == -1)
        fail_msg("GetXMLDesc output does not validate: %s\n%s",
                 virGetLastError()->message, xml);

    /* Defining it again with another UUID is refused, nothing changes. */
    g_autofree char *other = g_strdup(ctXML);
    memcpy(strstr(other, UUID), "00000000", 8);
    assert_null(virDomainDefineXML(f->conn, other));
    assertError(VIR_ERR_OPERATION_FAILED, "already defined");
    g_autofree char *conf2 = readConf(f, 101);
    assert_string_equal(conf, conf2);
    virDomainFree(dom);
}

static void
testLifecycle(void **state)
{
    Fixture *f = *state;
    virDomainPtr dom = virDomainDefineXML(f->conn, ctXML);
    virDomainPtr byId;
    virDomainInfo info;
    int ids[4];
    char *names[4];

    assert_non_null(dom);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 1);
    assert_int_equal(virConnectListDefinedDomains(f->conn, names, 4), 1);
    assert_string_equal(names[0], "101");
    free(names[0]);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainIsActive(dom), 0);
    assert_int_equal(virDomainIsPersistent(dom), 1);

    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), 101);
    assert_int_equal(virConnectListDomains(f->conn, ids, 4), 1);
    assert_int_equal(ids[0], 101);
    byId = virDomainLookupByID(f->conn, 101);
    assert_non_null(byId);
    assert_string_equal(virDomainGetName(byId), "101");
    virDomainFree(byId);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.maxMem, 524288);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_true(info.cpuTime > 0);             /* from proc/vz/vestat */

    /* vzctl's own refusal, its exit code and message passed on */
    assert_int_equal(virDomainCreate(dom), -1);
    assertError(VIR_ERR_OPERATION_INVALID, "Container is already running");
    assertError(VIR_ERR_OPERATION_INVALID, "exit code 32");

    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainSuspend(dom), -1);
    assertError(VIR_ERR_OPERATION_INVALID, "already paused");
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_RUNNING);

    assert_int_equal(virDomainUndefine(dom), -1);
    assertError(VIR_ERR_OPERATION_INVALID, "Stop it first");

    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_RUNNING);

    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virConnectNumOfDomains(f->conn), 0);
    assert_null(virDomainLookupByID(f->conn, 101));
    assertError(VIR_ERR_NO_DOMAIN, "id 101");
    assert_int_equal(virDomainShutdown(dom), -1);
    assertError(VIR_ERR_OPERATION_INVALID, "not running");
    /* Resume of a stopped container: vzctl's exit code 31 */
    assert_int_equal(virDomainResume(dom), -1);
    assertError(VIR_ERR_OPERATION_INVALID, "container is not running");

    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(stateOf(dom), VIR_DOMAIN_SHUTOFF);

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_null(readConf(f, 101));
    assert_null(virDomainLookupByName(f->conn, "101"));
    assertError(VIR_ERR_NO_DOMAIN, "101");
    assert_int_equal(virDomainCreate(dom), -1);
    assertError(VIR_ERR_NO_DOMAIN, "101");
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 0);
    virDomainFree(dom);
}

static void
testLookupAndUUID(void **state)
{
    Fixture *f = *state;
    g_autofree char *cmd = g_strdup_printf("%s/fake-vzctl --quiet create 150 --ostemplate "
                                           TEMPLATE, toolDir);
    unsigned char raw[VIR_UUID_BUFLEN];
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainPtr dom, again, *all = NULL;
    int status = -1;
    g_autofree char *out = NULL;
    g_autofree char *conf = NULL;
    g_autofree char *line = NULL;

    virDomainFree(virDomainDefineXML(f->conn, ctXML));
    /* A container made with vzctl behind the driver's back (and --quiet
     * really prints nothing). */
    assert_true(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
    assert_int_equal(status, 0);
    assert_string_equal(out, "");

    assert_int_equal(virConnectListAllDomains(f->conn, &all, 0), 2);
    assert_string_equal(virDomainGetName(all[0]), "101");
    assert_string_equal(virDomainGetName(all[1]), "150");
    for (int i = 0; all[i]; i++)
        virDomainFree(all[i]);
    free(all);

    dom = virDomainLookupByName(f->conn, "150");
    assert_non_null(dom);
    /* it got a UUID, stored as libvirt stores it, and keeps it */
    assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
    conf = readConf(f, 150);
    line = g_strdup_printf("#UUID: %s", uuid);
    assertConfLine(conf, line);
    assert_int_equal(virDomainGetUUID(dom, raw), 0);
    again = virDomainLookupByUUID(f->conn, raw);
    assert_non_null(again);
    assert_string_equal(virDomainGetName(again), "150");
    virDomainFree(again);
    virDomainFree(dom);

    assert_null(virDomainLookupByName(f->conn, "999"));
    assertError(VIR_ERR_NO_DOMAIN, "999");
    assert_null(virDomainLookupByName(f->conn, "web"));
    assertError(VIR_ERR_NO_DOMAIN, "web");
}

/* Counts what ListAllDomains returns for flags, checking the names. */
static int
countListed(Fixture *f, unsigned int flags)
{
    virDomainPtr *list = NULL;
    int n = virConnectListAllDomains(f->conn, &list, flags);

    assert_true(n >= 0);
    assert_int_equal(virConnectListAllDomains(f->conn, NULL, flags), n);
    for (int i = 0; i < n; i++) {
        const char *name = virDomainGetName(list[i]);
        assert_true(strcmp(name, "101") == 0 || strcmp(name, "150") == 0);
        virDomainFree(list[i]);
    }
    assert_null(list[n]);
    free(list);
    return n;
}

/* libvirt's filter corners: OpenVZ has no managed save, no snapshots and
 * no checkpoints, so asking for them finds nothing, asking for their
 * absence finds all, and a yes/no pair together filters nothing. */
static void
testListAllFilter(void **state)
{
    Fixture *f = *state;
    g_autofree char *cmd = g_strdup_printf("%s/fake-vzctl --quiet create 150 --ostemplate "
                                           TEMPLATE, toolDir);
    int status = -1;
    virDomainPtr dom = virDomainDefineXML(f->conn, ctXML);

    assert_non_null(dom);
    assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
    assert_int_equal(status, 0);
    assert_int_equal(virDomainCreate(dom), 0);

    const struct { unsigned int flags; int want; } cases[] = {
        { 0, 2 },
        { VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, 0 },
        { VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, 2 },
        { VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, 2 },
        { VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, 0 },
        { VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, 2 },
        { VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, 2 },
        { VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, 0 },
        { VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, 2 },
        { VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT | VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, 2 },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE, 1 },
        { VIR_CONNECT_LIST_DOMAINS_INACTIVE, 1 },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE, 2 },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, 1 },
        { VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, 0 },
        { VIR_CONNECT_LIST_DOMAINS_TRANSIENT, 0 },
        { VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT, 2 },
        { VIR_CONNECT_LIST_DOMAINS_RUNNING, 1 },
        { VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_SHUTOFF, 2 },
        { VIR_CONNECT_LIST_DOMAINS_OTHER, 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int n = countListed(f, cases[i].flags);
        if (n != cases[i].want)
            fail_msg("flags 0x%x: %d domains, want %d", cases[i].flags, n, cases[i].want);
    }
    assert_int_equal(virConnectListAllDomains(f->conn, NULL, 1U << 16), -1);
    assertError(VIR_ERR_INVALID_ARG, "");
    assert_int_equal(virDomainDestroy(dom), 0);
    virDomainFree(dom);
}

static void
testSettings(void **state)
{
    Fixture *f = *state;
    virDomainPtr dom = virDomainDefineXML(f->conn, ctXML);
    int autostart = -1;
    g_autofree char *conf = NULL;
    virDomainPtr *list = NULL;

    assert_non_null(dom);
    assert_int_equal(virDomainSetVcpus(dom, 4), 0);
    assert_int_equal(virDomainSetMemory(dom, 1048576), 0);
    assert_int_equal(virDomainGetAutostart(dom, &autostart), 0);
    assert_int_equal(autostart, 0);
    assert_int_equal(virDomainSetAutostart(dom, 1), 0);
    assert_int_equal(virDomainGetAutostart(dom, &autostart), 0);
    assert_int_equal(autostart, 1);
    conf = readConf(f, 101);
    assertConfLine(conf, "CPUS=\"4\"");
    assertConfLine(conf, "PHYSPAGES=\"0:262144\"");
    assertConfLine(conf, "ONBOOT=\"yes\"");
    assert_int_equal(virDomainGetMaxMemory(dom), 1048576);
    assert_int_equal(virConnectListAllDomains(f->conn, &list,
                                              VIR_CONNECT_LIST_DOMAINS_AUTOSTART), 1);
    virDomainFree(list[0]);
    free(list);
    assert_int_equal(virConnectListAllDomains(f->conn, NULL,
                                              VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART), 0);
    assert_int_equal(virDomainSetVcpus(dom, 0), -1);
    assertError(VIR_ERR_INVALID_ARG, "101");
    virDomainFree(dom);
}

static void
testDefineErrors(void **state)
{
    Fixture *f = *state;
    g_autofree char *named = g_strdup(ctXML);
    g_autofree char *badTmpl = NULL;
    g_autofree char *hvm = NULL;
    g_autofree char *disk = NULL;
    char *p = strstr(named, "<name>101</name>");

    memcpy(p, "<name>web</name>", 16);
    assert_null(virDomainDefineXML(f->conn, named));
    assertError(VIR_ERR_CONFIG_UNSUPPORTED, "numeric CT ID");

    badTmpl = g_strdup(ctXML);
    memcpy(strstr(badTmpl, "debian-7-"), "centos-6-", 9);
    assert_null(virDomainDefineXML(f->conn, badTmpl));
    assertError(VIR_ERR_OPERATION_FAILED, "Cached OS template");
    assertError(VIR_ERR_OPERATION_FAILED, "exit code 91");
    assert_null(readConf(f, 101));

    hvm = g_strdup("<domain type='openvz'><name>102</name><memory>1024</memory>"
                   "<os><type>hvm</type></os></domain>");
    assert_null(virDomainDefineXML(f->conn, hvm));
    assertError(VIR_ERR_CONFIG_UNSUPPORTED, "exe");

    disk = g_strdup("<domain type='openvz'><name>103</name><memory>1024</memory>"
                    "<os><type>exe</type></os><devices><disk type='file'>"
                    "<source file='/x.img'/><target dev='vda'/></disk></devices></domain>");
    assert_null(virDomainDefineXML(f->conn, disk));
    assertError(VIR_ERR_CONFIG_UNSUPPORTED, "disk");

    assert_null(virDomainDefineXML(f->conn, "<domain type='kvm'><name>104</name>"
                                            "<memory>1024</memory><os><type>hvm</type>"
                                            "</os></domain>"));
    assertErrorIn(-1, VIR_ERR_CONFIG_UNSUPPORTED, "kvm");
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 0);
}

typedef struct {
    int n;
    int events[16];
    int details[16];
} Seen;

static int
lifecycleCb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    Seen *s = opaque;

    if (s->n < 16) {
        s->events[s->n] = event;
        s->details[s->n] = detail;
    }
    s->n++;
    return 0;
}

static void
testEvents(void **state)
{
    Fixture *f = *state;
    Seen seen = { 0 };
    virDomainPtr dom;
    int id = virConnectDomainEventRegisterAny(f->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(lifecycleCb),
                                              &seen, NULL);
    static const int want[][2] = {
        { VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED },
        { VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED },
        { VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED },
        { VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED },
        { VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED },
        { VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED },
    };

    assert_true(id >= 0);
    dom = virDomainDefineXML(f->conn, ctXML);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    while (seen.n < (int)G_N_ELEMENTS(want))
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(seen.n, G_N_ELEMENTS(want));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        assert_int_equal(seen.events[i], want[i][0]);
        assert_int_equal(seen.details[i], want[i][1]);
    }
    assert_int_equal(virConnectDomainEventDeregisterAny(f->conn, id), 0);
    virDomainFree(dom);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(testConnect, setup, teardown),
        cmocka_unit_test_setup_teardown(testDefineConfig, setup, teardown),
        cmocka_unit_test_setup_teardown(testLifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(testLookupAndUUID, setup, teardown),
        cmocka_unit_test_setup_teardown(testListAllFilter, setup, teardown),
        cmocka_unit_test_setup_teardown(testSettings, setup, teardown),
        cmocka_unit_test_setup_teardown(testDefineErrors, setup, teardown),
        cmocka_unit_test_setup_teardown(testEvents, setup, teardown),
    };

    g_autofree char *serverDir = NULL;
    g_autofree char *sock = NULL;
    GPid server = 0;
    int toServer = -1, fromServer = -1;
    int rc;

    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: %s TOOL_DIR DATA_DIR [PYTHON FAKEVZ_SERVER]\n", argv[0]);
        return 2;
    }
    toolDir = argv[1];
    dataDir = argv[2];
    if (argc == 5) {
        const char *serverArgv[] = { argv[3], argv[4], NULL, NULL };
        char ready[8] = "";

        serverDir = g_dir_make_tmp("vk-fakevz-XXXXXX", NULL);
        sock = g_build_filename(serverDir, "sock", NULL);
        serverArgv[2] = sock;
        /* It exits when its stdin (toServer) closes, even if we crash. */
        if (!serverDir ||
            !g_spawn_async_with_pipes(NULL, (char **)serverArgv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                      NULL, NULL, &server, &toServer, &fromServer, NULL, NULL) ||
            read(fromServer, ready, sizeof(ready) - 1) < 5 || strcmp(ready, "ready\n") != 0) {
            fprintf(stderr, "cannot start %s\n", argv[4]);
            return 1;
        }
        g_setenv("VIRTKIT_FAKEVZ_SOCKET", sock, TRUE);
    }
    virEventRegisterDefaultImpl();
    if (virInitialize() < 0 || vkOpenvzDriverRegister() < 0)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (server) {
        close(toServer);
        waitpid(server, NULL, 0);
        close(fromServer);
        g_rmdir(serverDir);
    }
    return rc;
}
