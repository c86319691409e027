/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data-driven test of def -> argv: for every tests/data/qemu-argv/<case>.xml
 * the argv must equal <case>.args (one argument per line), or, when a
 * <case>.err exists instead, building must fail with
 * VIR_ERR_CONFIG_UNSUPPORTED and a message containing that file's text;
 * the define-time check must refuse it too, unless the text starts with
 * "start: " (what libvirt's define keeps and the start refuses: the check
 * must accept it), or "xml: " (refused as libvirt does, with
 * VIR_ERR_XML_ERROR).
 * The driver's post-parse defaults run first, as at define; when a
 * <case>.out.xml exists, the persisted (inactive) XML must equal it and
 * define again into itself.
 * VK_TEST_REGENERATE=1 rewrites the .args files (and existing .out.xml
 * files) from the current output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conf/domain-conf.h"
#include "drivers/qemu/command.h"
#include "util/error.h"

static const char *dataDir;

static char *
slurp(const char *path)
{
    char *s = NULL;

    return g_file_get_contents(path, &s, NULL, NULL) ? s : NULL;
}

static void
runCase(void **state)
{
    const char *name = *state;
    g_autofree char *xmlPath = g_strdup_printf("%s/%s.xml", dataDir, name);
    g_autofree char *argsPath = g_strdup_printf("%s/%s.args", dataDir, name);
    g_autofree char *errPath = g_strdup_printf("%s/%s.err", dataDir, name);
    g_autofree char *outPath = g_strdup_printf("%s/%s.out.xml", dataDir, name);
    g_autofree char *xml = slurp(xmlPath);
    g_autoptr(vkDomainDef) def = NULL;
    g_auto(GStrv) argv = NULL;
    vkQemuCommandOpts opts = { .emulator = "/usr/bin/qemu-system-x86_64", .monitorFd = 3,
                               .domainDir = "/run/virtkit/qemu/guest.d",
                               .now = 1234567890 };
    /* taps of network/bridge interfaces as the launcher numbers them (the
     * monitor's fd 3, then one per tap and vhost-net fd); the second
     * interface has vhost-net */
    static const int netFds[] = { 4, 5, 7, 8, 9, 10 };
    static const int vhostFds[] = { -1, 6, -1, -1, -1, -1 };

    /* restore-*: QEMU started to receive a saved state. */
    if (g_str_has_prefix(name, "restore-"))
        opts.incoming = "defer";
    if (g_str_has_prefix(name, "net-")) {
        opts.netFds = netFds;
        opts.vhostFds = vhostFds;
    }
    assert_non_null(xml);
    def = vkDomainDefParseString(xml, "kvm,qemu", 0);
    /* a generic check refuses at parse what an .err case expects */
    if (!def && !g_file_test(errPath, G_FILE_TEST_EXISTS))
        fail_msg("%s: parse failed: %s", name, vkErrorGetLast()->message);
    if (!def || vkQemuPostParse(def) < 0) {
        if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
            g_autofree char *text = slurp(errPath);
            bool xmlError = g_str_has_prefix(text, "xml: ");
            char *want = text + (xmlError ? strlen("xml: ") : 0);

            g_strchomp(want);
            if (xmlError)
                assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_ERROR);
            if (!strstr(vkErrorGetLast()->message, want))
                fail_msg("%s: message '%s' lacks '%s'", name, vkErrorGetLast()->message, want);
            return;
        }
        fail_msg("%s: post-parse failed: %s", name, vkErrorGetLast()->message);
    }
    if (g_file_test(outPath, G_FILE_TEST_EXISTS)) {
        g_autofree char *got = vkDomainDefFormat(def, VIR_DOMAIN_XML_INACTIVE);
        g_autofree char *want = NULL;

        if (g_getenv("VK_TEST_REGENERATE"))
            g_file_set_contents(outPath, got, -1, NULL);
        want = slurp(outPath);
        if (strcmp(got, want) != 0)
            fail_msg("%s: persisted XML differs.\n--- expected\n%s--- got\n%s", name, want, got);
        /* Defining the persisted XML again (a daemon restart, a client
         * redefining what it read) changes nothing. */
        {
            g_autoptr(vkDomainDef) again = vkDomainDefParseString(got, "kvm,qemu", 0);
            g_autofree char *twice = NULL;

            assert_non_null(again);
            assert_int_equal(vkQemuPostParse(again), 0);
            twice = vkDomainDefFormat(again, VIR_DOMAIN_XML_INACTIVE);
            if (strcmp(got, twice) != 0)
                fail_msg("%s: persisted XML changes when defined again:\n%s", name, twice);
        }
    }

    vkErrorReset();
    argv = vkQemuBuildArgv(def, &opts);
    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        g_autofree char *text = slurp(errPath);
        bool atStart = g_str_has_prefix(text, "start: ");
        bool xmlError = g_str_has_prefix(text, "xml: ");
        char *want = text + (atStart ? strlen("start: ") : xmlError ? strlen("xml: ") : 0);

        g_strchomp(want);
        if (argv)
            fail_msg("%s: expected a refusal containing '%s'", name, want);
        assert_int_equal(vkErrorGetLast()->code,
                         xmlError ? VIR_ERR_XML_ERROR : VIR_ERR_CONFIG_UNSUPPORTED);
        if (!strstr(vkErrorGetLast()->message, want))
            fail_msg("%s: message '%s' lacks '%s'", name, vkErrorGetLast()->message, want);
        /* The define-time check refuses the same, or keeps it for the
         * start to refuse; a device attached live is refused as at start. */
        assert_int_equal(vkQemuValidateDef(def), atStart ? 0 : -1);
        assert_int_equal(vkQemuValidateLive(def), -1);
        return;
    }
    if (!argv)
        fail_msg("%s: build failed: %s", name, vkErrorGetLast()->message);
    assert_int_equal(vkQemuValidateDef(def), 0);
    {
        g_autofree char *joined = g_strjoinv("\n", argv);
        g_autofree char *got = g_strconcat(joined, "\n", NULL);
        g_autofree char *want = NULL;

        if (g_getenv("VK_TEST_REGENERATE"))
            g_file_set_contents(argsPath, got, -1, NULL);
        want = slurp(argsPath);
        if (!want)
            fail_msg("%s: no %s", name, argsPath);
        if (strcmp(got, want) != 0)
            fail_msg("%s: argv differs.\n--- expected\n%s--- got\n%s", name, want, got);
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    struct CMUnitTest *tests;
    const char *n;
    int ret;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DATADIR\n", argv[0]);
        return 2;
    }
    dataDir = argv[1];
    dir = g_dir_open(dataDir, 0, NULL);
    if (!dir)
        return 2;
    while ((n = g_dir_read_name(dir))) {
        if (g_str_has_suffix(n, ".xml") && !g_str_has_suffix(n, ".out.xml"))
            g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    tests = g_new0(struct CMUnitTest, names->len);
    for (guint i = 0; i < names->len; i++) {
        tests[i].name = names->pdata[i];
        tests[i].test_func = runCase;
        tests[i].initial_state = names->pdata[i];
    }
    ret = _cmocka_run_group_tests("qemu-argv", tests, names->len, NULL, NULL);
    g_free(tests);
    return ret;
}
