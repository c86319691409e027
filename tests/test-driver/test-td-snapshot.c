/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshots of the test driver through the public API: the tree and the
 * current mark as libvirt's test driver keeps them, revert putting back
 * both the state and the definition, deletion of children, the refusals
 * (codes as libvirt 9.0's test:///default gives them), and the XML, which
 * must validate against libvirt's domainsnapshot.rng and redefine back to
 * the same document.
 */
#include "td-helpers.h"
#include "conf/domain-conf.h"

static virDomainSnapshotPtr
snap(virDomainPtr dom, const char *name, unsigned int flags)
{
    g_autofree char *xml = g_strdup_printf("<domainsnapshot><name>%s</name>"
                                           "<description>d %s</description>"
                                           "</domainsnapshot>", name, name);
    return virDomainSnapshotCreateXML(dom, xml, flags);
}

static char *
names(virDomainPtr dom, unsigned int flags)
{
    char *list[16] = { 0 };
    int n = virDomainSnapshotListNames(dom, list, 16, flags);
    GString *s = g_string_new(NULL);

    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s", i ? "," : "", list[i]);
        g_free(list[i]);
    }
    return g_string_free(s, FALSE);
}

static int
lastCode(void)
{
    virErrorPtr e = virGetLastError();
    return e ? e->code : 0;
}

static void
test_tree_and_current(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainSnapshotPtr s1, s2, s3, cur, parent, *all = NULL;
    g_autofree char *roots = NULL, *leaves = NULL, *topo = NULL;
    char *kids[4] = { 0 };
    int n;

    assert_non_null(dom);
    assert_int_equal(virDomainHasCurrentSnapshot(dom, 0), 0);
    assert_null(virDomainSnapshotCurrent(dom, 0));
    assert_int_equal(lastCode(), VIR_ERR_NO_DOMAIN_SNAPSHOT);

    assert_non_null(s1 = snap(dom, "s1", 0));
    assert_non_null(s2 = snap(dom, "s2", 0));
    assert_int_equal(virDomainRevertToSnapshot(s1, 0), 0);
    assert_non_null(s3 = snap(dom, "s3", 0));

    /* s1 -> {s2, s3}; s3 is current after being taken */
    assert_int_equal(virDomainSnapshotNum(dom, 0), 3);
    assert_string_equal((roots = names(dom, VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)), "s1");
    assert_string_equal((leaves = names(dom, VIR_DOMAIN_SNAPSHOT_LIST_LEAVES)), "s2,s3");
    assert_string_equal((topo = names(dom, VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL)), "s1,s2,s3");
    assert_int_equal(virDomainSnapshotNumChildren(s1, 0), 2);
    assert_int_equal(virDomainSnapshotListChildrenNames(s1, kids, 4, 0), 2);
    assert_string_equal(kids[0], "s2");
    assert_string_equal(kids[1], "s3");
    g_free(kids[0]);
    g_free(kids[1]);
    assert_int_equal(virDomainSnapshotNum(dom, VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA), 0);
    assert_int_equal(virDomainSnapshotNum(dom, VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE), 0);
    assert_int_equal(virDomainSnapshotNum(dom, VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE), 3);

    assert_non_null(cur = virDomainSnapshotCurrent(dom, 0));
    assert_string_equal(virDomainSnapshotGetName(cur), "s3");
    assert_int_equal(virDomainSnapshotIsCurrent(s3, 0), 1);
    assert_int_equal(virDomainSnapshotIsCurrent(s1, 0), 0);
    assert_int_equal(virDomainSnapshotHasMetadata(s1, 0), 1);
    assert_ptr_equal(virDomainSnapshotGetDomain(s1), dom);
    assert_ptr_equal(virDomainSnapshotGetConnect(s1), conn);

    assert_non_null(parent = virDomainSnapshotGetParent(s3, 0));
    assert_string_equal(virDomainSnapshotGetName(parent), "s1");
    assert_null(virDomainSnapshotGetParent(s1, 0));
    assert_int_equal(lastCode(), VIR_ERR_NO_DOMAIN_SNAPSHOT);

    n = virDomainListAllSnapshots(dom, &all, VIR_DOMAIN_SNAPSHOT_LIST_LEAVES);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++)
        virDomainSnapshotFree(all[i]);
    g_free(all);
    assert_int_equal(virDomainListAllSnapshots(dom, NULL, 0), 3);

    /* redefining s1 as current (virsh snapshot-current --snapshotname)
     * keeps its children */
    {
        g_autofree char *x = virDomainSnapshotGetXMLDesc(s1, VIR_DOMAIN_SNAPSHOT_XML_SECURE);
        virDomainSnapshotPtr r = virDomainSnapshotCreateXML(
            dom, x, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT);
        assert_non_null(r);
        assert_int_equal(virDomainSnapshotIsCurrent(s1, 0), 1);
        assert_int_equal(virDomainSnapshotNumChildren(s1, 0), 2);
        assert_int_equal(virDomainSnapshotNum(dom, 0), 3);
        virDomainSnapshotFree(r);
        assert_non_null(r = virDomainSnapshotCreateXML(
            dom, x, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE));
        virDomainSnapshotFree(r);
        virDomainSnapshotFree(cur);
        assert_non_null(cur = virDomainSnapshotCurrent(dom, 0));
        assert_string_equal(virDomainSnapshotGetName(cur), "s1");
        assert_int_equal(virDomainRevertToSnapshot(s3, 0), 0);
    }

    /* deleting the current one moves current to its parent */
    assert_int_equal(virDomainSnapshotDelete(s3, 0), 0);
    virDomainSnapshotFree(cur);
    assert_non_null(cur = virDomainSnapshotCurrent(dom, 0));
    assert_string_equal(virDomainSnapshotGetName(cur), "s1");
    assert_int_equal(virDomainSnapshotIsCurrent(s3, 0), -1);
    assert_int_equal(lastCode(), VIR_ERR_NO_DOMAIN_SNAPSHOT);

    /* children-only keeps s1 */
    assert_int_equal(virDomainSnapshotDelete(s1, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY), 0);
    assert_int_equal(virDomainSnapshotNum(dom, 0), 1);
    assert_int_equal(virDomainSnapshotDelete(s1, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN), 0);
    assert_int_equal(virDomainSnapshotNum(dom, 0), 0);

    virDomainSnapshotFree(parent);
    virDomainSnapshotFree(cur);
    virDomainSnapshotFree(s1);
    virDomainSnapshotFree(s2);
    virDomainSnapshotFree(s3);
    virDomainFree(dom);
}

static void
test_revert_state_and_def(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainSnapshotPtr on, off;
    virDomainInfo info;
    int st, reason;

    assert_int_equal(virDomainSetMemoryFlags(dom, 1048576, VIR_DOMAIN_AFFECT_LIVE), 0);
    assert_non_null(on = snap(dom, "on", 0));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainSetMemoryFlags(dom, 524288, VIR_DOMAIN_AFFECT_CONFIG), 0);
    assert_non_null(off = snap(dom, "off", 0));

    /* back to the running snapshot: started, with its memory */
    assert_int_equal(virDomainRevertToSnapshot(on, 0), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 1048576);

    /* paused on request */
    assert_int_equal(virDomainRevertToSnapshot(on, VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);

    /* back to the shut-off one: stopped, its definition back */
    assert_int_equal(virDomainRevertToSnapshot(off, 0), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 524288);
    assert_int_equal(virDomainSnapshotNum(dom, VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE), 1);

    /* libvirt refuses to undefine an inactive domain with snapshots */
    assert_int_equal(virDomainUndefine(dom), -1);
    assert_int_equal(lastCode(), VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA), 0);
    virDomainSnapshotFree(on);
    virDomainSnapshotFree(off);
    virDomainFree(dom);
}

static void
test_refusals(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainSnapshotPtr s;

    assert_non_null(s = snap(dom, "a", 0));
    assert_null(snap(dom, "a", 0));
    assert_int_equal(lastCode(), VIR_ERR_OPERATION_FAILED);
    assert_null(snap(dom, "b", VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT));
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_null(snap(dom, "b", VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE |
                               VIR_DOMAIN_SNAPSHOT_CREATE_HALT));
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_null(snap(dom, "b", VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY));
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_null(snap(dom, "b", VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE));
    assert_int_equal(lastCode(), VIR_ERR_INTERNAL_ERROR);   /* no creationTime */
    assert_null(virDomainSnapshotCreateXML(dom, "<domainsnapshot><disks><disk name='vdz'/>"
                                                "</disks></domainsnapshot>", 0));
    assert_int_equal(lastCode(), VIR_ERR_CONFIG_UNSUPPORTED);
    assert_null(virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>x</name>"
                                                "<cookie/></domainsnapshot>", 0));
    assert_int_equal(lastCode(), VIR_ERR_CONFIG_UNSUPPORTED);
    assert_null(virDomainSnapshotLookupByName(dom, "zz", 0));
    assert_int_equal(lastCode(), VIR_ERR_NO_DOMAIN_SNAPSHOT);
    assert_int_equal(virDomainSnapshotDelete(s, VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainSnapshotFree(NULL), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_DOMAIN_SNAPSHOT);
    assert_int_equal(virDomainSnapshotDelete(s, 0), 0);
    virDomainSnapshotFree(s);
    virDomainFree(dom);
}

static void
test_xml_schema_and_redefine(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainSnapshotPtr s, again;
    g_autofree char *xml = NULL, *xml2 = NULL;
    int rc;

    assert_non_null(s = snap(dom, "x&lt;y", 0));
    assert_string_equal(virDomainSnapshotGetName(s), "x<y");
    assert_non_null(xml = virDomainSnapshotGetXMLDesc(s, 0));
    assert_non_null(strstr(xml, "<name>x&lt;y</name>"));
    assert_non_null(strstr(xml, "<state>running</state>"));
    assert_non_null(strstr(xml, "<disk name='vda' snapshot='internal'/>"));
    assert_non_null(strstr(xml, "  <domain type='test'>"));
    rc = vkConfSchemaValidate(xml, "domainsnapshot.rng");
    if (rc == -2)
        print_message("domainsnapshot.rng not installed: schema check skipped\n");
    else
        assert_int_equal(rc, 0);

    /* redefining from the XML gives the same document back */
    assert_int_equal(virDomainSnapshotDelete(s, 0), 0);
    assert_int_equal(virDomainSnapshotNum(dom, 0), 0);
    assert_non_null(again = virDomainSnapshotCreateXML(dom, xml,
                                                       VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE));
    assert_non_null(xml2 = virDomainSnapshotGetXMLDesc(again, 0));
    assert_string_equal(xml, xml2);
    assert_int_equal(virDomainHasCurrentSnapshot(dom, 0), 0);
    assert_int_equal(virDomainSnapshotDelete(again, 0), 0);
    virDomainSnapshotFree(again);
    virDomainSnapshotFree(s);
    virDomainFree(dom);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tree_and_current, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_revert_state_and_def, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_refusals, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_xml_schema_and_redefine, tdSetupConn,
                                        tdTeardownConn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
