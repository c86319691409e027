/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secrets and hostile XML through the test driver, in-process (issue 7,
 * item 5): a graphics passwd is formatted only with VIR_DOMAIN_XML_SECURE
 * and a read-only connection can neither ask for it nor see it; DefineXML
 * never expands a billion-laughs document, an external entity or an
 * external DTD (the referenced file's content never shows up anywhere).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "virtkit/virtkit.h"

#define PASSWD "s3cret-pw-91c4"

static const char domXML[] =
    "<domain type='test'><name>secretive</name><memory unit='KiB'>65536</memory>"
    "<os><type>hvm</type></os><devices>"
    "<graphics type='vnc' port='-1' autoport='yes' passwd='" PASSWD "'/>"
    "<graphics type='spice' autoport='yes' passwd='" PASSWD "'/>"
    "</devices></domain>";

static char *tmpdir;

static void
quiet(void *opaque, virErrorPtr err)
{
}

static int
countOf(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void
assertNoSecret(const char *xml)
{
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<graphics"));
    assert_null(strstr(xml, PASSWD));
    assert_null(strstr(xml, "passwd"));
}

static void
test_passwd_needs_secure(void **state)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom;
    char *xml;

    assert_non_null(conn);
    assert_non_null(dom = virDomainDefineXML(conn, domXML));
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE);
    assert_int_equal(countOf(xml, "passwd='" PASSWD "'"), 2);
    free(xml);
    xml = virDomainGetXMLDesc(dom, 0);
    assertNoSecret(xml);
    free(xml);
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assertNoSecret(xml);
    free(xml);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* A custom test driver file gives the read-only connection the domain. */
static void
test_passwd_never_on_readonly(void **state)
{
    g_autofree char *file = g_build_filename(tmpdir, "node.xml", NULL);
    g_autofree char *node = g_strdup_printf("<node>%s</node>", domXML);
    g_autofree char *uri = g_strdup_printf("test://%s", file);
    virConnectPtr ro;
    virDomainPtr dom;
    virDomainPtr *all = NULL;
    char *xml;
    int n;

    assert_true(g_file_set_contents(file, node, -1, NULL));
    assert_non_null(ro = virConnectOpenReadOnly(uri));
    assert_non_null(dom = virDomainLookupByName(ro, "secretive"));
    xml = virDomainGetXMLDesc(dom, 0);
    assertNoSecret(xml);
    free(xml);
    for (unsigned int f = 0; f < 2; f++) {
        unsigned int flags = VIR_DOMAIN_XML_SECURE | (f ? VIR_DOMAIN_XML_INACTIVE : 0);

        assert_null(virDomainGetXMLDesc(dom, flags));
        assert_non_null(virGetLastError());
        assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_DENIED);
    }
    n = virConnectListAllDomains(ro, &all, 0);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        xml = virDomainGetXMLDesc(all[i], 0);
        assert_null(strstr(xml, PASSWD));
        free(xml);
        virDomainFree(all[i]);
    }
    free(all);
    virDomainFree(dom);
    virConnectClose(ro);
}

static void
assertRefused(virConnectPtr conn, const char *xml, const char *marker)
{
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    if (dom) {
        char *out = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE);

        fprintf(stderr, "hostile document was defined:\n%.2000s\n", out ? out : "");
        free(out);
        virDomainFree(dom);
        fail();
    }
    assert_non_null(virGetLastError());
    if (marker && virGetLastError()->message)
        assert_null(strstr(virGetLastError()->message, marker));
}

/* libvirt parses a document with external entities but never loads them:
 * whether xml is refused or defined, marker (the file's content) must not
 * come back. */
static void
assertNotLeaked(virConnectPtr conn, const char *xml, const char *marker)
{
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    if (dom) {
        char *out = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE);

        assert_non_null(out);
        assert_null(strstr(out, marker));
        free(out);
        virDomainFree(dom);
        return;
    }
    assert_non_null(virGetLastError());
    if (virGetLastError()->message)
        assert_null(strstr(virGetLastError()->message, marker));
}

static void
test_no_entity_expansion(void **state)
{
    const char *marker = "HOST-FILE-CONTENT-0d2e";
    g_autofree char *secret = g_build_filename(tmpdir, "secret.txt", NULL);
    g_autofree char *dtd = g_build_filename(tmpdir, "evil.dtd", NULL);
    g_autofree char *dtdText = g_strdup_printf("<!ENTITY leak \"%s\">\n", marker);
    g_autofree char *xxe = NULL;
    g_autofree char *extDtd = NULL;
    GString *laughs = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE domain [\n"
                                   " <!ENTITY lol0 'lol'>\n");
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr *all = NULL;
    int n;

    assert_non_null(conn);
    for (int i = 1; i < 10; i++) {
        g_string_append_printf(laughs, " <!ENTITY lol%d '", i);
        for (int j = 0; j < 10; j++)
            g_string_append_printf(laughs, "&lol%d;", i - 1);
        g_string_append(laughs, "'>\n");
    }
    g_string_append(laughs, "]>\n<domain type='test'><name>laughs</name>"
                    "<memory>65536</memory><description>&lol9;</description>"
                    "<os><type>hvm</type></os></domain>");
    assertRefused(conn, laughs->str, NULL);
    g_string_free(laughs, TRUE);

    assert_true(g_file_set_contents(secret, marker, -1, NULL));
    assert_true(g_file_set_contents(dtd, dtdText, -1, NULL));
    xxe = g_strdup_printf("<?xml version='1.0'?>\n"
                          "<!DOCTYPE domain [<!ENTITY xxe SYSTEM 'file://%s'>]>\n"
                          "<domain type='test'><name>xxe</name><memory>65536</memory>"
                          "<description>&xxe;</description><os><type>hvm</type></os>"
                          "</domain>", secret);
    assertNotLeaked(conn, xxe, marker);
    extDtd = g_strdup_printf("<?xml version='1.0'?>\n<!DOCTYPE domain SYSTEM 'file://%s'>\n"
                             "<domain type='test'><name>dtd</name><memory>65536</memory>"
                             "<description>&leak;</description><os><type>hvm</type></os>"
                             "</domain>", dtd);
    assertNotLeaked(conn, extDtd, marker);

    n = virConnectListAllDomains(conn, &all, 0);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        char *xml = virDomainGetXMLDesc(all[i], VIR_DOMAIN_XML_SECURE);

        assert_null(strstr(xml, marker));
        assert_null(strstr(xml, "lollol"));
        free(xml);
        virDomainFree(all[i]);
    }
    free(all);
    virConnectClose(conn);
}

static int
setup(void **state)
{
    virSetErrorFunc(NULL, quiet);
    tmpdir = g_dir_make_tmp("vk-secrets-XXXXXX", NULL);
    return tmpdir ? 0 : -1;
}

static int
teardown(void **state)
{
    const char *names[] = { "node.xml", "secret.txt", "evil.dtd" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *p = g_build_filename(tmpdir, names[i], NULL);
        g_unlink(p);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passwd_needs_secure),
        cmocka_unit_test(test_passwd_never_on_readonly),
        cmocka_unit_test(test_no_entity_expansion),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
