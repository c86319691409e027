/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secret driver in-process on secret:///embed?root=DIR, through the
 * public API: the XML cases of tests/data/secret-xml (each define's XML
 * back, or libvirt 9.0's error code and message, taken from libvirtd),
 * values on disk (base64, 0600, gone with the secret, never for an
 * ephemeral one), what survives a reopen, libvirt's redefine rules, the
 * private rule, list filters and events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "virtkit/virtkit.h"

static char *dataDir;

typedef struct {
    char *root;
    char *uri;
    virConnectPtr conn;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->root = g_dir_make_tmp("vk-secret-XXXXXX", NULL);
    f->uri = g_strdup_printf("secret:///embed?root=%s", f->root);
    f->conn = virConnectOpen(f->uri);
    assert_non_null(f->conn);
    *state = f;
    return 0;
}

static void
rmTree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, n, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rmTree(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    if (f->conn)
        virConnectClose(f->conn);
    rmTree(f->root);
    g_free(f->root);
    g_free(f->uri);
    g_free(f);
    return 0;
}

static char *
secretFile(Fixture *f, const char *uuid, const char *ext)
{
    g_autofree char *name = g_strdup_printf("%s.%s", uuid, ext);

    return g_build_filename(f->root, "etc", "secrets", name, NULL);
}

static void
assertError(int code, const char *msg)
{
    virErrorPtr e = virGetLastError();

    assert_non_null(e);
    assert_int_equal(e->code, code);
    if (msg && !strstr(e->message, msg))
        fail_msg("error '%s' lacks '%s'", e->message, msg);
}

static void
testXmlCases(void **state)
{
    Fixture *f = *state;
    g_autoptr(GDir) d = g_dir_open(dataDir, 0, NULL);
    const char *n;
    int cases = 0;

    assert_non_null(d);
    while ((n = g_dir_read_name(d))) {
        g_autofree char *path = NULL, *base = NULL, *xml = NULL, *want = NULL;
        g_autofree char *errPath = NULL, *outPath = NULL;
        virSecretPtr s;

        if (!g_str_has_suffix(n, ".xml") || g_str_has_suffix(n, ".out.xml"))
            continue;
        path = g_build_filename(dataDir, n, NULL);
        base = g_strndup(path, strlen(path) - 4);
        errPath = g_strconcat(base, ".err", NULL);
        outPath = g_strconcat(base, ".out.xml", NULL);
        assert_true(g_file_get_contents(path, &xml, NULL, NULL));
        s = virSecretDefineXML(f->conn, xml, 0);
        if (g_file_get_contents(errPath, &want, NULL, NULL)) {
            g_autofree char *got = NULL;
            virErrorPtr e = virGetLastError();

            if (s)
                fail_msg("%s: defined, expected %s", n, want);
            got = g_strdup_printf("%d %s\n", e->code, e->message);
            if (strcmp(got, want) != 0)
                fail_msg("%s: got %s expected %s", n, got, want);
        } else {
            g_autofree char *got = NULL;

            if (!s)
                fail_msg("%s: %s", n, virGetLastErrorMessage());
            if (!g_file_get_contents(outPath, &want, NULL, NULL))
                want = g_strdup(xml);
            got = virSecretGetXMLDesc(s, 0);
            if (strcmp(got, want) != 0)
                fail_msg("%s: got\n%s\nexpected\n%s", n, got, want);
            assert_int_equal(virSecretUndefine(s), 0);
            virSecretFree(s);
        }
        cases++;
    }
    assert_true(cases >= 10);
    assert_int_equal(virConnectNumOfSecrets(f->conn), 0);
}

#define U1 "8a5e0b4e-1c2d-4e3f-9a0b-1c2d3e4f5a61"
#define U2 "8a5e0b4e-1c2d-4e3f-9a0b-1c2d3e4f5a62"
#define U3 "8a5e0b4e-1c2d-4e3f-9a0b-1c2d3e4f5a63"

static virSecretPtr
define(Fixture *f, const char *attrs, const char *uuid, const char *type, const char *elem,
       const char *id)
{
    g_autofree char *xml = g_strdup_printf("<secret %s><uuid>%s</uuid><usage type='%s'><%s>%s"
                                           "</%s></usage></secret>", attrs, uuid, type, elem,
                                           id, elem);

    return virSecretDefineXML(f->conn, xml, 0);
}

static void
testValuesOnDisk(void **state)
{
    Fixture *f = *state;
    g_autofree char *xmlFile = secretFile(f, U1, "xml");
    g_autofree char *valFile = secretFile(f, U1, "base64");
    g_autofree char *b64 = NULL;
    const unsigned char value[] = { 's', 'e', 0, 'c', 0xff };
    unsigned char *got;
    size_t len = 0;
    virSecretPtr s, e;
    struct stat sb;

    assert_non_null(s = define(f, "", U1, "ceph", "name", "client.a"));
    assert_true(g_file_test(xmlFile, G_FILE_TEST_IS_REGULAR));
    assert_false(g_file_test(valFile, G_FILE_TEST_EXISTS));
    assert_null(virSecretGetValue(s, &len, 0));
    assertError(VIR_ERR_NO_SECRET, "does not have a value");

    assert_int_equal(virSecretSetValue(s, value, sizeof(value), 0), 0);
    assert_true(g_file_get_contents(valFile, &b64, NULL, NULL));
    assert_string_equal(b64, "c2UAY/8=");
    assert_int_equal(stat(valFile, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(xmlFile, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_non_null(got = virSecretGetValue(s, &len, 0));
    assert_int_equal(len, sizeof(value));
    assert_memory_equal(got, value, sizeof(value));
    g_free(got);
    assert_null(virSecretGetValue(s, &len, 1));
    assertError(VIR_ERR_INVALID_ARG, "unsupported flags");

    /* ephemeral: in memory only */
    assert_non_null(e = define(f, "ephemeral='yes'", U2, "tls", "name", "t"));
    assert_int_equal(virSecretSetValue(e, value, 2, 0), 0);
    {
        g_autofree char *ex = secretFile(f, U2, "xml");
        g_autofree char *ev = secretFile(f, U2, "base64");

        assert_false(g_file_test(ex, G_FILE_TEST_EXISTS));
        assert_false(g_file_test(ev, G_FILE_TEST_EXISTS));
    }
    virSecretFree(e);
    virSecretFree(s);

    /* a reopen of the root finds the persistent secret and its value */
    virConnectClose(f->conn);
    assert_non_null(f->conn = virConnectOpen(f->uri));
    assert_int_equal(virConnectNumOfSecrets(f->conn), 1);
    assert_non_null(s = virSecretLookupByUsage(f->conn, VIR_SECRET_USAGE_TYPE_CEPH, "client.a"));
    assert_string_equal(virSecretGetUsageID(s), "client.a");
    assert_non_null(got = virSecretGetValue(s, &len, 0));
    assert_int_equal(len, sizeof(value));
    assert_memory_equal(got, value, sizeof(value));
    g_free(got);

    /* persistent -> ephemeral takes it off the disk, and undefine of a
     * persistent one removes both files */
    virSecretFree(s);
    assert_non_null(s = define(f, "ephemeral='yes'", U1, "ceph", "name", "client.a"));
    assert_false(g_file_test(xmlFile, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(valFile, G_FILE_TEST_EXISTS));
    virSecretFree(s);
    assert_non_null(s = define(f, "", U1, "ceph", "name", "client.a"));
    assert_true(g_file_test(valFile, G_FILE_TEST_IS_REGULAR));
    assert_int_equal(virSecretUndefine(s), 0);
    assert_false(g_file_test(xmlFile, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(valFile, G_FILE_TEST_EXISTS));
    assert_int_equal(virSecretUndefine(s), -1);
    assertError(VIR_ERR_NO_SECRET, "no secret with matching uuid '" U1 "'");
    virSecretFree(s);
}

static void
testRules(void **state)
{
    Fixture *f = *state;
    const unsigned char v[] = "pw";
    virSecretPtr p, q;
    size_t len;

    assert_non_null(p = define(f, "private='yes'", U1, "iscsi", "target", "iqn.x"));
    assert_int_equal(virSecretSetValue(p, v, 2, 0), 0);
    assert_null(virSecretGetValue(p, &len, 0));
    assertError(VIR_ERR_INVALID_SECRET, "secret is private");
    /* a private secret stays private; public -> private is allowed */
    assert_null(define(f, "", U1, "iscsi", "target", "iqn.x"));
    assertError(VIR_ERR_INTERNAL_ERROR, "cannot change private flag on existing secret");
    /* a UUID keeps its usage ID, a usage its UUID */
    assert_null(define(f, "private='yes'", U1, "iscsi", "target", "iqn.y"));
    assertError(VIR_ERR_INTERNAL_ERROR, "a secret with UUID " U1
                " is already defined for use with iqn.x");
    assert_null(define(f, "", U2, "iscsi", "target", "iqn.x"));
    assertError(VIR_ERR_INTERNAL_ERROR, "a secret with UUID " U1
                " already defined for use with iqn.x");
    /* the same usage ID under another type is another usage */
    assert_non_null(q = define(f, "", U2, "tls", "name", "iqn.x"));
    virSecretFree(q);
    virSecretFree(p);
}

static void
testRulesUsage(void **state)
{
    Fixture *f = *state;
    virSecretPtr a, b, c, *list = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int n;

    assert_non_null(a = define(f, "private='yes'", U1, "iscsi", "target", "iqn.x"));
    assert_non_null(b = define(f, "ephemeral='yes'", U2, "tls", "name", "iqn.x"));
    assert_non_null(c = virSecretDefineXML(f->conn, "<secret/>", 0));
    virSecretFree(c);
    assert_non_null(c = virSecretDefineXML(f->conn, "<secret/>", VIR_SECRET_DEFINE_VALIDATE));
    assert_int_equal(virSecretGetUsageType(c), VIR_SECRET_USAGE_TYPE_NONE);
    assert_int_equal(virConnectNumOfSecrets(f->conn), 4);
    n = virConnectListAllSecrets(f->conn, &list, VIR_CONNECT_LIST_SECRETS_PRIVATE);
    assert_int_equal(n, 1);
    assert_int_equal(virSecretGetUUID(list[0], uuid), 0);
    assert_int_equal(virSecretGetUsageType(list[0]), VIR_SECRET_USAGE_TYPE_ISCSI);
    virSecretFree(list[0]);
    g_free(list);
    assert_int_equal(virConnectListAllSecrets(f->conn, NULL,
                                              VIR_CONNECT_LIST_SECRETS_EPHEMERAL), 1);
    assert_int_equal(virConnectListAllSecrets(f->conn, NULL,
                                              VIR_CONNECT_LIST_SECRETS_NO_EPHEMERAL |
                                              VIR_CONNECT_LIST_SECRETS_NO_PRIVATE), 2);
    assert_int_equal(virConnectListAllSecrets(f->conn, NULL, 16), -1);
    assertError(VIR_ERR_INVALID_ARG, "unsupported flags (0x10)");
    assert_null(virSecretLookupByUsage(f->conn, VIR_SECRET_USAGE_TYPE_CEPH, "iqn.x"));
    assertError(VIR_ERR_NO_SECRET, "no secret with matching usage 'iqn.x'");
    assert_null(virSecretLookupByUUIDString(f->conn, "00000000-0000-4000-8000-000000000000"));
    assertError(VIR_ERR_NO_SECRET, NULL);
    virSecretFree(a);
    virSecretFree(b);
    virSecretFree(c);
}

typedef struct {
    GString *log;
} EventLog;

static void
onLifecycle(virConnectPtr conn, virSecretPtr s, int event, int detail, void *opaque)
{
    EventLog *l = opaque;
    char uuid[VIR_UUID_STRING_BUFLEN];

    (void)conn;
    virSecretGetUUIDString(s, uuid);
    g_string_append_printf(l->log, "%.4s %s %d %d;", uuid + 32, virSecretGetUsageID(s),
                           event, detail);
}

static void
onValue(virConnectPtr conn, virSecretPtr s, void *opaque)
{
    EventLog *l = opaque;
    char uuid[VIR_UUID_STRING_BUFLEN];

    (void)conn;
    virSecretGetUUIDString(s, uuid);
    g_string_append_printf(l->log, "%.4s value;", uuid + 32);
}

static void
tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
}

static void
pump(void)
{
    int timer = virEventAddTimeout(0, tick, NULL, NULL);

    for (int i = 0; i < 5; i++)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
}

static void
testEvents(void **state)
{
    Fixture *f = *state;
    EventLog all = { g_string_new(NULL) }, one = { g_string_new(NULL) };
    const unsigned char v[] = "x";
    virSecretPtr a, b;
    int id1, id2, id3;

    assert_non_null(a = define(f, "", U1, "volume", "volume", "/a.img"));
    id1 = virConnectSecretEventRegisterAny(f->conn, NULL, VIR_SECRET_EVENT_ID_LIFECYCLE,
                                           VIR_SECRET_EVENT_CALLBACK(onLifecycle), &all, NULL);
    id2 = virConnectSecretEventRegisterAny(f->conn, a, VIR_SECRET_EVENT_ID_VALUE_CHANGED,
                                           VIR_SECRET_EVENT_CALLBACK(onValue), &one, NULL);
    assert_true(id1 >= 0 && id2 >= 0 && id1 != id2);
    id3 = virConnectSecretEventRegisterAny(f->conn, NULL, 2,
                                           VIR_SECRET_EVENT_CALLBACK(onValue), &one, NULL);
    assert_int_equal(id3, -1);
    assertError(VIR_ERR_INVALID_ARG, "secret event ID 2");
    assert_non_null(b = define(f, "", U3, "vtpm", "name", "tpm"));
    assert_int_equal(virSecretSetValue(b, v, 1, 0), 0);
    assert_int_equal(virSecretSetValue(a, v, 1, 0), 0);
    assert_int_equal(virSecretUndefine(b), 0);
    pump();
    assert_string_equal(all.log->str, "5a63 tpm 0 0;5a63 tpm 1 0;");
    assert_string_equal(one.log->str, "5a61 value;");
    assert_int_equal(virConnectSecretEventDeregisterAny(f->conn, id1), 0);
    assert_int_equal(virConnectSecretEventDeregisterAny(f->conn, id1), -1);
    assert_int_equal(virConnectNetworkEventDeregisterAny(f->conn, id2), -1);
    assert_int_equal(virConnectSecretEventDeregisterAny(f->conn, id2), 0);
    virSecretFree(a);
    virSecretFree(b);
    g_string_free(all.log, TRUE);
    g_string_free(one.log, TRUE);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(testXmlCases, setup, teardown),
        cmocka_unit_test_setup_teardown(testValuesOnDisk, setup, teardown),
        cmocka_unit_test_setup_teardown(testRules, setup, teardown),
        cmocka_unit_test_setup_teardown(testRulesUsage, setup, teardown),
        cmocka_unit_test_setup_teardown(testEvents, setup, teardown),
    };

    if (argc != 2) {
        fprintf(stderr, "usage: %s DATADIR\n", argv[0]);
        return 2;
    }
    dataDir = argv[1];
    virEventRegisterDefaultImpl();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
