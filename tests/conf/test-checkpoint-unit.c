/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The <domaincheckpoint> codec (src/conf/checkpoint-conf.c): what a new
 * checkpoint keeps of the caller's XML, a redefinition round trip, disk
 * alignment as libvirt's (bitmap named after the checkpoint, no bitmap
 * for a CD-ROM), and the documents it refuses with their error codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "conf/checkpoint-conf.h"
#include "util/error.h"

#define DOMAIN "<domain type='kvm'><name>vm</name><memory>65536</memory>" \
               "<os><type>hvm</type></os><devices>" \
               "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
               "<source file='/i/a.qcow2'/><target dev='vda' bus='virtio'/></disk>" \
               "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
               "<source file='/i/b.qcow2'/><target dev='vdb' bus='virtio'/></disk>" \
               "<disk type='file' device='cdrom'><source file='/i/c.iso'/>" \
               "<target dev='hdc' bus='ide'/></disk></devices></domain>"

static int
lastCode(void)
{
    virErrorPtr e = vkErrorGetLast();
    return e ? e->code : 0;
}

static void
test_new(void **state)
{
    g_autoptr(vkCheckpointDef) def = NULL;
    g_autofree char *xml = NULL;

    (void)state;
    /* parent, time and domain are the driver's to fill in, not the caller's */
    def = vkCheckpointDefParseString("<domaincheckpoint><name>c1</name>"
                                     "<description>a &amp; b</description>"
                                     "<parent><name>zz</name></parent>"
                                     "<creationTime>5</creationTime>"
                                     "<disks><disk name='vdb' checkpoint='no'/></disks>"
                                     "</domaincheckpoint>", "kvm", false);
    assert_non_null(def);
    assert_null(def->parent);
    assert_int_equal(def->creationTime, 0);
    def->dom = vkDomainDefParseString(DOMAIN, "kvm", 0);
    assert_non_null(def->dom);
    assert_int_equal(vkCheckpointDefAlignDisks(def), 0);
    assert_int_equal(def->disks->len, 3);
    xml = vkCheckpointDefFormat(def, false, true);
    assert_non_null(strstr(xml, "<description>a &amp; b</description>"));
    assert_non_null(strstr(xml, "<disks>\n"
                                "    <disk name='vda' checkpoint='bitmap' bitmap='c1'/>\n"
                                "    <disk name='vdb' checkpoint='no'/>\n"
                                "    <disk name='hdc' checkpoint='no'/>\n"
                                "  </disks>\n</domaincheckpoint>\n"));
}

static void
test_redefine(void **state)
{
    g_autoptr(vkCheckpointDef) def = NULL;
    g_autoptr(vkCheckpointDef) again = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *xml2 = NULL;

    (void)state;
    def = vkCheckpointDefParseString("<domaincheckpoint><name>c2</name>"
                                     "<parent><name>c1</name></parent>"
                                     "<creationTime>1700000000</creationTime>"
                                     "<disks><disk name='vda' checkpoint='bitmap' "
                                     "bitmap='other'/></disks>" DOMAIN
                                     "</domaincheckpoint>", "kvm", true);
    assert_non_null(def);
    assert_string_equal(def->parent, "c1");
    assert_int_equal(vkCheckpointDefAlignDisks(def), 0);
    xml = vkCheckpointDefFormat(def, true, false);
    assert_non_null(strstr(xml, "bitmap='other'"));
    assert_non_null(strstr(xml, "  <domain type='kvm'>\n"));
    again = vkCheckpointDefParseString(xml, "kvm", true);
    assert_non_null(again);
    xml2 = vkCheckpointDefFormat(again, true, false);
    assert_string_equal(xml, xml2);
}

static void
test_refused(void **state)
{
    static const struct {
        const char *xml;
        bool redefine;
        int code;
    } cases[] = {
        { "<domainsnapshot/>", false, VIR_ERR_XML_ERROR },
        { "<domaincheckpoint><name>a/b</name></domaincheckpoint>", false, VIR_ERR_XML_DETAIL },
        { "<domaincheckpoint><name>.a</name></domaincheckpoint>", false, VIR_ERR_XML_DETAIL },
        { "<domaincheckpoint><disks><disk checkpoint='no'/></disks></domaincheckpoint>",
          false, VIR_ERR_XML_ERROR },
        { "<domaincheckpoint><disks><disk name='vda' checkpoint='maybe'/></disks>"
          "</domaincheckpoint>", false, VIR_ERR_XML_ERROR },
        { "<domaincheckpoint><size/></domaincheckpoint>", false, VIR_ERR_CONFIG_UNSUPPORTED },
        { "<domaincheckpoint><creationTime>1</creationTime></domaincheckpoint>", true,
          VIR_ERR_XML_ERROR },
        { "<domaincheckpoint><name>x</name></domaincheckpoint>", true, VIR_ERR_INTERNAL_ERROR },
        { "<domaincheckpoint><name>x</name><creationTime>1x</creationTime>"
          "</domaincheckpoint>", true, VIR_ERR_XML_DETAIL },
    };
    g_autoptr(vkCheckpointDef) def = NULL;

    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        vkErrorReset();
        assert_null(vkCheckpointDefParseString(cases[i].xml, "kvm", cases[i].redefine));
        assert_int_equal(lastCode(), cases[i].code);
    }
    /* the root check is the snapshot parser's too; the error stays ours */
    vkErrorReset();
    assert_null(vkCheckpointDefParseString("<domainsnapshot/>", "kvm", false));
    assert_int_equal(vkErrorGetLast()->domain, VIR_FROM_DOMAIN_CHECKPOINT);
    /* a disk the domain does not have */
    def = vkCheckpointDefParseString("<domaincheckpoint><name>c</name><disks>"
                                     "<disk name='sdz'/></disks></domaincheckpoint>",
                                     "kvm", false);
    assert_non_null(def);
    def->dom = vkDomainDefParseString(DOMAIN, "kvm", 0);
    assert_int_equal(vkCheckpointDefAlignDisks(def), -1);
    assert_int_equal(lastCode(), VIR_ERR_CONFIG_UNSUPPORTED);
    g_clear_pointer(&def, vkCheckpointDefFree);

    /* a disk named twice is judged with the domain, as libvirt does
     * (more requests than disks first) */
    def = vkCheckpointDefParseString("<domaincheckpoint><name>c</name><disks>"
                                     "<disk name='vda'/><disk name='vda'/></disks>"
                                     "</domaincheckpoint>", "kvm", false);
    assert_non_null(def);
    def->dom = vkDomainDefParseString(DOMAIN, "kvm", 0);
    vkErrorReset();
    assert_int_equal(vkCheckpointDefAlignDisks(def), -1);
    assert_int_equal(lastCode(), VIR_ERR_CONFIG_UNSUPPORTED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_redefine),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
