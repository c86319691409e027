/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoints, block I/O throttling and the screenshot of the test driver
 * through the public API, with the answers libvirt 9.0's test:///default
 * gives (tried on it): the checkpoint tree and current mark, redefinition,
 * deletion handing children to the parent, the refusals and their codes;
 * blkdeviotune's value rules; a PNG over a stream; the guest calls
 * (freeze/thaw counts, memory peek, pins) and the save image calls.
 */
#include <unistd.h>

#include "td-helpers.h"

static virDomainCheckpointPtr
cp(virDomainPtr dom, const char *name)
{
    g_autofree char *xml = g_strdup_printf("<domaincheckpoint><name>%s</name>"
                                           "</domaincheckpoint>", name);
    return virDomainCheckpointCreateXML(dom, xml, 0);
}

/* The names listAll gives, comma separated. */
static char *
cpNames(virDomainPtr dom, virDomainCheckpointPtr from, unsigned int flags)
{
    virDomainCheckpointPtr *list = NULL;
    int n = from ? virDomainCheckpointListAllChildren(from, &list, flags)
                 : virDomainListAllCheckpoints(dom, &list, flags);
    GString *s = g_string_new(NULL);

    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s", i ? "," : "", virDomainCheckpointGetName(list[i]));
        virDomainCheckpointFree(list[i]);
    }
    g_free(list);
    return g_string_free(s, n < 0 ? TRUE : FALSE);
}

static void
test_checkpoint_tree(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainCheckpointPtr c1, c2, c3, parent, look;
    g_autofree char *all = NULL, *roots = NULL, *leaves = NULL, *kids = NULL;
    g_autofree char *after = NULL, *xml = NULL;

    assert_non_null(dom);
    assert_non_null(c1 = cp(dom, "c1"));
    assert_non_null(c2 = cp(dom, "c2"));
    assert_non_null(c3 = cp(dom, "c3"));
    assert_string_equal((all = cpNames(dom, NULL, 0)), "c1,c2,c3");
    assert_string_equal((roots = cpNames(dom, NULL, VIR_DOMAIN_CHECKPOINT_LIST_ROOTS)), "c1");
    assert_string_equal((leaves = cpNames(dom, NULL, VIR_DOMAIN_CHECKPOINT_LIST_LEAVES)),
                        "c3");
    assert_string_equal((kids = cpNames(dom, c1, 0)), "c2");
    g_free(kids);
    assert_string_equal((kids = cpNames(dom, c1, VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS)),
                        "c2,c3");

    assert_non_null(parent = virDomainCheckpointGetParent(c2, 0));
    assert_string_equal(virDomainCheckpointGetName(parent), "c1");
    virDomainCheckpointFree(parent);
    assert_null(virDomainCheckpointGetParent(c1, 0));
    tdAssertError(VIR_ERR_NO_DOMAIN_CHECKPOINT, "does not have a parent");

    /* the disk of the domain gets a bitmap named after the checkpoint */
    assert_non_null(xml = virDomainCheckpointGetXMLDesc(c2, VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN));
    assert_non_null(strstr(xml, "<disk name='vda' checkpoint='bitmap' bitmap='c2'/>"));
    assert_non_null(strstr(xml, "<parent>\n    <name>c1</name>\n  </parent>"));
    assert_null(strstr(xml, "<domain type"));

    assert_null(cp(dom, "c2"));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "domain moment c2 already exists");
    assert_null(virDomainSnapshotCreateXML(dom, "<domainsnapshot/>", 0));
    tdAssertError(VIR_ERR_OPERATION_UNSUPPORTED, "while checkpoint exists");

    /* deleting c2 gives c3 to c1 */
    assert_int_equal(virDomainCheckpointDelete(c2, 0), 0);
    assert_null(virDomainCheckpointLookupByName(dom, "c2", 0));
    tdAssertError(VIR_ERR_NO_DOMAIN_CHECKPOINT, "'c2'");
    assert_non_null(parent = virDomainCheckpointGetParent(c3, 0));
    assert_string_equal(virDomainCheckpointGetName(parent), "c1");
    virDomainCheckpointFree(parent);
    assert_non_null(look = virDomainCheckpointLookupByName(dom, "c3", 0));
    virDomainCheckpointFree(look);

    /* the current one (c3) is the next one's parent; CHILDREN takes all */
    assert_int_equal(virDomainCheckpointDelete(c1, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN), 0);
    assert_string_equal((after = cpNames(dom, NULL, 0)), "");
    virDomainCheckpointFree(c1);
    virDomainCheckpointFree(c2);
    virDomainCheckpointFree(c3);
    virDomainFree(dom);
}

static void
test_checkpoint_refusals(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainCheckpointPtr r, c;
    g_autofree char *xml = NULL;

    assert_non_null(dom);
    assert_null(virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>", 0x8));
    tdAssertError(VIR_ERR_INVALID_ARG, "testDomainCheckpointCreateXML");
    assert_null(virDomainCheckpointCreateXML(
        dom, "<domaincheckpoint><name>r</name></domaincheckpoint>",
        VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE));
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "missing creationTime");
    assert_null(virDomainCheckpointCreateXML(
        dom, "<domaincheckpoint><name>r</name><parent><name>zz</name></parent>"
             "<creationTime>5</creationTime></domaincheckpoint>",
        VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE));
    tdAssertError(VIR_ERR_INVALID_ARG, "parent zz for moment r not found");
    assert_null(virDomainCheckpointCreateXML(
        dom, "<domaincheckpoint><name>x</name><disks><disk name='vdz'/></disks>"
             "</domaincheckpoint>", 0));
    tdAssertError(VIR_ERR_CONFIG_UNSUPPORTED, "no disk named 'vdz'");

    /* a redefinition keeps what it is given and, with no current one,
     * becomes the parent of the next */
    assert_non_null(r = virDomainCheckpointCreateXML(
        dom, "<domaincheckpoint><name>r</name><creationTime>5</creationTime>"
             "</domaincheckpoint>", VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE));
    assert_non_null(xml = virDomainCheckpointGetXMLDesc(r, 0));
    assert_string_equal(xml, "<domaincheckpoint>\n  <name>r</name>\n"
                             "  <creationTime>5</creationTime>\n</domaincheckpoint>\n");
    assert_non_null(c = cp(dom, "c"));
    g_free(xml);
    assert_non_null(xml = virDomainCheckpointGetXMLDesc(c, VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN));
    assert_non_null(strstr(xml, "<name>r</name>\n  </parent>"));

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(cp(dom, "late"));
    tdAssertError(VIR_ERR_OPERATION_UNSUPPORTED, "inactive domain");
    /* deleting works on an inactive domain */
    assert_int_equal(virDomainCheckpointDelete(c, 0), 0);
    assert_int_equal(virDomainCheckpointDelete(r, 0), 0);
    assert_int_equal(virDomainListAllCheckpoints(dom, NULL, 0), 0);
    virDomainCheckpointFree(r);
    virDomainCheckpointFree(c);
    virDomainFree(dom);
}

static unsigned long long
ioGet(virDomainPtr dom, const char *name, unsigned int flags)
{
    virTypedParameter params[20];
    int n = 20;
    unsigned long long v = ~0ULL;

    assert_int_equal(virDomainGetBlockIoTune(dom, "vda", params, &n,
                                             flags | VIR_TYPED_PARAM_STRING_OKAY), 0);
    assert_int_equal(n, 20);
    for (int i = 0; i < n; i++) {
        if (strcmp(params[i].field, name) == 0)
            v = params[i].value.ul;
    }
    virTypedParamsClear(params, n);
    return v;
}

static int
ioSet(virDomainPtr dom, const char *name, unsigned long long v, unsigned int flags)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_ULLONG, .value.ul = v };

    g_strlcpy(p.field, name, sizeof(p.field));
    return virDomainSetBlockIoTune(dom, "vda", &p, 1, flags);
}

static void
test_iotune_rules(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    g_autofree char *xml = NULL;
    int n = 0;

    assert_non_null(dom);
    assert_int_equal(virDomainGetBlockIoTune(dom, "vda", NULL, &n, 0), 0);
    assert_int_equal(n, 20);
    assert_int_equal(virDomainGetBlockIoTune(dom, "vdb", NULL, &n, 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "disk 'vdb' was not found");

    /* a rate above its _max, even a _max of 0, is refused */
    assert_int_equal(ioSet(dom, "total_bytes_sec", 1000, 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG,
                  "total_bytes_sec cannot be set higher than total_bytes_sec_max ");
    assert_int_equal(ioSet(dom, "total_bytes_sec_max", 2000, 0), 0);
    assert_int_equal(ioSet(dom, "total_bytes_sec", 1000, 0), 0);
    assert_int_equal(ioGet(dom, "total_bytes_sec", 0), 1000);
    /* total and read/write are judged on the merged values */
    assert_int_equal(ioSet(dom, "read_bytes_sec", 10, 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "total and read/write of bytes_sec");
    assert_int_equal(ioSet(dom, "total_bytes_sec_max", 1000000000000001ULL, 0), -1);
    tdAssertError(VIR_ERR_ARGUMENT_UNSUPPORTED, "no more than 1000000000000000");
    assert_int_equal(ioGet(dom, "total_bytes_sec_max", 0), 2000);

    /* the live definition carries it; the persistent one does not */
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<total_bytes_sec>1000</total_bytes_sec>"));
    assert_int_equal(ioGet(dom, "total_bytes_sec", VIR_DOMAIN_AFFECT_CONFIG), 0);
    assert_int_equal(ioSet(dom, "size_iops_sec", 3,
                           VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "mutually exclusive");
    assert_int_equal(ioSet(dom, "size_iops_sec", 3, 0x4), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "testDomainSetBlockIoTune");
    virDomainFree(dom);
}

static void
test_screenshot(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virStreamPtr st = virStreamNew(conn, 0);
    g_autofree char *mime = NULL;
    char buf[256];
    int n, total = 0;

    assert_non_null(dom);
    assert_null(virDomainScreenshot(dom, st, 0, 1));
    tdAssertError(VIR_ERR_INVALID_ARG, "testDomainScreenshot");
    /* any screen, any state */
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_non_null(mime = virDomainScreenshot(dom, st, 7, 0));
    assert_string_equal(mime, "image/png");
    while ((n = virStreamRecv(st, buf + MIN(total, 8), sizeof(buf) - 8)) > 0)
        total += n;
    assert_int_equal(n, 0);
    assert_memory_equal(buf, "\x89PNG\r\n\x1a\n", 8);
    assert_true(total > 8);
    assert_int_equal(virStreamFinish(st), 0);
    virStreamFree(st);
    virDomainFree(dom);
}

static void
test_guest_calls(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    const char *root[] = { "/", "/" };
    const char *bad[] = { "/boot", "/nope" };
    unsigned char buf[4], map = 0x2, cpus[2];
    unsigned long ver = 0;
    g_autofree char *xml = NULL;

    assert_non_null(dom);
    assert_int_equal(virConnectGetLibVersion(conn, &ver), 0);
    assert_int_equal(ver, 9000000);
    /* a mount point counts once; an unknown one changes nothing */
    assert_int_equal(virDomainFSFreeze(dom, root, 2, 0), 1);
    assert_int_equal(virDomainFSFreeze(dom, bad, 2, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "mount point not found: /nope");
    assert_int_equal(virDomainFSFreeze(dom, NULL, 0, 0), 1);
    assert_int_equal(virDomainFSThaw(dom, NULL, 0, 0), 2);
    assert_int_equal(virDomainFSThaw(dom, NULL, 0, 0), 0);

    assert_int_equal(virDomainMemoryPeek(dom, 254, 4, buf, VIR_MEMORY_VIRTUAL), 0);
    assert_memory_equal(buf, "\xfe\xff\x00\x01", 4);
    assert_int_equal(virDomainMemoryPeek(dom, 0, 4, buf, 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "must be VIR_MEMORY_VIRTUAL or VIR_MEMORY_PHYSICAL");
    assert_int_equal(virDomainSendProcessSignal(dom, 1, 999, 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "signum value 999 is out of range");

    /* vCPU 1 on host CPU 1 lands in the live <cputune> */
    assert_int_equal(virDomainPinVcpu(dom, 1, &map, 1), 0);
    assert_int_equal(virDomainPinVcpu(dom, 5, &map, 1), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "requested vcpu '5' is not present");
    assert_int_equal(virDomainGetVcpuPinInfo(dom, 2, cpus, 1, 0), 2);
    assert_int_equal(cpus[1], 0x2);
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<vcpupin vcpu='1' cpuset='1'/>"));
    assert_int_equal(virDomainPinVcpuFlags(dom, 1, &map, 1, VIR_DOMAIN_AFFECT_LIVE), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "testDomainPinVcpuFlags");

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainInjectNMI(dom, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    assert_int_equal(virDomainPinVcpu(dom, 0, &map, 1), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "cannot pin vcpus on an inactive domain");
    virDomainFree(dom);
}

static void
test_save_image(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    g_autofree char *dir = g_dir_make_tmp("td-image-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "img", NULL);
    g_autofree char *xml = NULL, *changed = NULL, *again = NULL;
    GString *edit;
    int st;

    assert_non_null(dom);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_non_null(xml = virDomainSaveImageGetXMLDesc(conn, path, 0));
    assert_non_null(strstr(xml, "<name>test</name>"));
    assert_null(virDomainSaveImageGetXMLDesc(conn, path, 0x2));
    tdAssertError(VIR_ERR_INVALID_ARG, "testDomainSaveImageGetXMLDesc");

    edit = g_string_new(xml);
    g_string_replace(edit, "<memory unit='KiB'>8388608</memory>",
                     "<memory unit='KiB'>4194304</memory>", 1);
    changed = g_string_free(edit, FALSE);
    assert_int_equal(virDomainSaveImageDefineXML(conn, path, changed, VIR_DOMAIN_SAVE_PAUSED),
                     0);
    assert_non_null(again = virDomainSaveImageGetXMLDesc(conn, path, 0));
    assert_non_null(strstr(again, "<memory unit='KiB'>4194304</memory>"));
    assert_int_equal(virDomainRestore(conn, path), 0);
    assert_int_equal(tdState(dom, NULL), VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainGetMaxMemory(dom), 4194304);
    st = unlink(path);
    assert_int_equal(st, 0);
    assert_int_equal(rmdir(dir), 0);
    virDomainFree(dom);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_tree, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_checkpoint_refusals, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_iotune_rules, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_screenshot, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_guest_calls, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_save_image, tdSetupConn, tdTeardownConn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
