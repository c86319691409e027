/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data-driven round trips of network, storage pool / volume and node
 * device XML: for every tests/data/<kind>/X.xml, parse + format must give
 * X.out.xml byte for byte, a second round trip must change nothing, and
 * the output must validate against libvirt's schema for the kind
 * (network.rng, storagepool.rng, storagevol.rng, nodedev.rng; skipped
 * only when the schema is not installed).  In storage-xml, files named
 * pool-* are pools and vol-* volumes.
 *
 * Run with VK_TEST_REGENERATE=1 to (re)write the .out.xml files after an
 * intended change of output; review the diff before committing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "conf/network-conf.h"
#include "conf/storage-conf.h"
#include "conf/nodedev-conf.h"
#include "util/error.h"

typedef struct {
    char *dir;
    char *name;                    /* without .xml */
    const char *kind;              /* network-xml, storage-xml, nodedev-xml */
} tdCase;

static const char *
schemaOf(const tdCase *c)
{
    if (strcmp(c->kind, "network-xml") == 0)
        return "network.rng";
    if (strcmp(c->kind, "nodedev-xml") == 0)
        return "nodedev.rng";
    return g_str_has_prefix(c->name, "vol-") ? "storagevol.rng" : "storagepool.rng";
}

static char *
roundTrip(const tdCase *c, const char *xml, const char *what)
{
    const char *schema = schemaOf(c);
    char *out = NULL;

    if (strcmp(schema, "network.rng") == 0) {
        g_autoptr(vkNetworkDef) def = vkNetworkDefParseString(xml);
        if (def)
            out = vkNetworkDefFormat(def, 0);
    } else if (strcmp(schema, "nodedev.rng") == 0) {
        g_autoptr(vkNodeDeviceDef) def = vkNodeDeviceDefParseString(xml, false);
        if (def)
            out = vkNodeDeviceDefFormat(def);
    } else if (strcmp(schema, "storagevol.rng") == 0) {
        g_autoptr(vkStorageVolDef) def = vkStorageVolDefParseString(xml);
        if (def) {
            /* what the driver fills in */
            g_free(def->path);
            g_free(def->key);
            def->path = g_strdup_printf("/var/lib/virt/images/%s", def->name);
            def->key = g_strdup(def->path);
            out = vkStorageVolDefFormat(def);
        }
    } else {
        g_autoptr(vkStoragePoolDef) def = vkStoragePoolDefParseString(xml);
        if (def) {
            def->capacity = 1000;
            def->allocation = 400;
            def->available = 600;
            out = vkStoragePoolDefFormat(def);
        }
    }
    if (!out) {
        virErrorPtr err = vkErrorGetLast();
        fail_msg("%s: parse failed: %s", what, err && err->message ? err->message : "?");
    }
    return out;
}

static void
quiet(void *ctx, const char *msg, ...)
{
}

/* 0 valid, 1 invalid (message in *why), -2 schema not installed. */
static int
validate(const char *xml, const char *schema, char **why)
{
    g_autofree char *path = g_build_filename("/usr/share/libvirt/schemas", schema, NULL);
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGValidCtxtPtr vctxt;
    xmlRelaxNGPtr rng;
    xmlDocPtr doc;
    int r;

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return -2;
    pctxt = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGSetParserErrors(pctxt, quiet, quiet, NULL);
    rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!rng)
        return -2;
    doc = xmlReadMemory(xml, (int)strlen(xml), "out.xml", NULL, XML_PARSE_NONET);
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidErrors(vctxt, quiet, quiet, NULL);
    r = doc ? xmlRelaxNGValidateDoc(vctxt, doc) : 1;
    if (r != 0) {
        const xmlError *e = xmlGetLastError();
        *why = g_strdup(e && e->message ? e->message : "invalid");
    }
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(rng);
    xmlFreeDoc(doc);
    return r == 0 ? 0 : 1;
}

static void
testCase(void **state)
{
    const tdCase *c = *state;
    g_autofree char *inPath = g_strdup_printf("%s/%s.xml", c->dir, c->name);
    g_autofree char *outPath = g_strdup_printf("%s/%s.out.xml", c->dir, c->name);
    g_autofree char *in = NULL, *expected = NULL, *out = NULL, *again = NULL;
    g_autofree char *why = NULL;
    int r;

    assert_true(g_file_get_contents(inPath, &in, NULL, NULL));
    out = roundTrip(c, in, inPath);
    if (g_getenv("VK_TEST_REGENERATE"))
        assert_true(g_file_set_contents(outPath, out, -1, NULL));
    if (!g_file_get_contents(outPath, &expected, NULL, NULL))
        fail_msg("%s missing; run with VK_TEST_REGENERATE=1 to create it", outPath);
    if (strcmp(out, expected) != 0) {
        fprintf(stderr, "--- expected %s\n%s--- got\n%s", outPath, expected, out);
        fail_msg("%s: output differs from %s", c->name, outPath);
    }
    again = roundTrip(c, out, outPath);
    if (strcmp(again, out) != 0) {
        fprintf(stderr, "--- first\n%s--- second\n%s", out, again);
        fail_msg("%s: second round trip differs", c->name);
    }
    r = validate(out, schemaOf(c), &why);
    if (r == -2)
        skip();
    if (r != 0)
        fail_msg("%s: output does not validate against %s: %s", c->name, schemaOf(c), why);
}

static gint
cmpCases(gconstpointer a, gconstpointer b)
{
    const tdCase *x = *(tdCase *const *)a, *y = *(tdCase *const *)b;
    int r = strcmp(x->kind, y->kind);

    return r ? r : strcmp(x->name, y->name);
}

int
main(int argc, char **argv)
{
    static const char *const kinds[] = { "network-xml", "storage-xml", "nodedev-xml" };
    const char *root = argc > 1 ? argv[1] : "tests/data";
    g_autoptr(GPtrArray) cases = g_ptr_array_new();
    g_autofree struct CMUnitTest *tests = NULL;
    guint i;
    int r;

    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autofree char *dir = g_build_filename(root, kinds[i], NULL);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *entry;

        if (!d) {
            fprintf(stderr, "cannot open %s\n", dir);
            return 1;
        }
        while ((entry = g_dir_read_name(d))) {
            tdCase *c;

            if (!g_str_has_suffix(entry, ".xml") || g_str_has_suffix(entry, ".out.xml"))
                continue;
            c = g_new0(tdCase, 1);
            c->dir = g_strdup(dir);
            c->name = g_strndup(entry, strlen(entry) - 4);
            c->kind = kinds[i];
            g_ptr_array_add(cases, c);
        }
    }
    if (cases->len == 0) {
        fprintf(stderr, "no cases under %s\n", root);
        return 1;
    }
    g_ptr_array_sort(cases, cmpCases);
    tests = g_new0(struct CMUnitTest, cases->len);
    for (i = 0; i < cases->len; i++) {
        tdCase *c = cases->pdata[i];

        tests[i].name = g_strdup_printf("%s/%s", c->kind, c->name);
        tests[i].test_func = testCase;
        tests[i].initial_state = c;
    }
    r = _cmocka_run_group_tests("objects-xml", tests, cases->len, NULL, NULL);
    for (i = 0; i < cases->len; i++) {
        tdCase *c = cases->pdata[i];

        g_free((char *)tests[i].name);
        g_free(c->dir);
        g_free(c->name);
        g_free(c);
    }
    return r;
}
