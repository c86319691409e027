/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network driver's pure parts against files in tests/data/network-setup:
 * for each NAME.xml, either NAME.err (the error the definition gets) or
 * the dnsmasq configuration, static hosts, DNS hosts and nftables ruleset
 * it produces (NAME.conf, NAME.hosts, NAME.addnhosts, NAME.nft; a file
 * that is absent means "nothing": no dnsmasq, no rules).  Plus lease
 * file parsing.  VK_REGENERATE=1 writes the outputs instead (review them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "virtkit/virtkit.h"
#include "drivers/network/network-private.h"

static const char *dataDir;

static void
compareFile(const char *base, const char *suffix, const char *actual)
{
    g_autofree char *path = g_strdup_printf("%s/%s.%s", dataDir, base, suffix);
    g_autofree char *expected = NULL;

    if (g_getenv("VK_REGENERATE")) {
        if (actual)
            g_assert_true(g_file_set_contents(path, actual, -1, NULL));
        else
            remove(path);
        return;
    }
    if (!g_file_get_contents(path, &expected, NULL, NULL)) {
        if (actual)
            fail_msg("%s: produced output but %s does not exist:\n%s", base, path, actual);
        return;
    }
    if (!actual)
        fail_msg("%s: %s exists but nothing was produced", base, path);
    if (strcmp(expected, actual) != 0)
        fail_msg("%s.%s differs:\n--- expected\n%s--- actual\n%s", base, suffix, expected,
                 actual);
}

static void
runCase(void **state)
{
    const char *base = *state;
    g_autofree char *xmlPath = g_strdup_printf("%s/%s.xml", dataDir, base);
    g_autofree char *errPath = g_strdup_printf("%s/%s.err", dataDir, base);
    g_autofree char *xml = NULL, *errWant = NULL;
    g_autoptr(vkNetworkDef) def = NULL;
    g_autoptr(vkNetworkSetup) s = NULL;

    assert_true(g_file_get_contents(xmlPath, &xml, NULL, NULL));
    def = vkNetworkDefParseString(xml);
    assert_non_null(def);
    s = vkNetworkSetupFromDef(def);
    if (g_file_get_contents(errPath, &errWant, NULL, NULL)) {
        assert_null(s);
        assert_string_equal(g_strstrip(errWant), virGetLastError()->message);
        return;
    }
    if (!s)
        fail_msg("%s: %s", base, virGetLastErrorMessage());
    {
        const char *br = s->bridge ? s->bridge : "virbr9";
        g_autofree char *prefix = g_strdup_printf("/run/test/%s", s->name);
        g_autofree char *table = vkNftTableName(br);
        bool dns = vkNetworkSetupNeedsDnsmasq(s);
        g_autofree char *conf = dns ? vkDnsmasqConfig(s, br, prefix) : NULL;
        g_autofree char *hosts = dns ? vkDnsmasqHostsFile(s) : NULL;
        g_autofree char *addn = dns ? vkDnsmasqAddnHosts(s) : NULL;
        g_autofree char *nft = vkNftRuleset(s, br, table);

        compareFile(base, "conf", conf);
        compareFile(base, "hosts", hosts && *hosts ? hosts : NULL);
        compareFile(base, "addnhosts", addn && *addn ? addn : NULL);
        compareFile(base, "nft", nft);
    }
}

static void
leases(void **state)
{
    static const char text[] =
        "1700000000 52:54:00:AA:00:01 10.9.0.100 guest1 01:52:54:00:aa:00:01\n"
        "1700000100 52:54:00:aa:00:02 10.9.0.101 * *\n"
        "duid 00:01:00:01:2c:aa:bb:cc:52:54:00:aa:00:09\n"
        "1700000200 12345 fd00:20::150 v6guest 00:01:00:01\n"
        "garbage\n";
    g_autoptr(vkNetworkDef) def = vkNetworkDefParseString(
        "<network><name>n</name><bridge name='vkbr1'/>"
        "<ip address='10.9.0.1' prefix='24'/>"
        "<ip family='ipv6' address='fd00:20::1' prefix='64'/></network>");
    g_autoptr(vkNetworkSetup) s = vkNetworkSetupFromDef(def);
    virNetworkDHCPLeasePtr *l = NULL;
    int n;

    assert_non_null(s);
    n = vkDnsmasqParseLeases(text, s, "vkbr1", NULL, &l);
    assert_int_equal(n, 3);
    assert_string_equal(l[0]->iface, "vkbr1");
    assert_int_equal(l[0]->expirytime, 1700000000);
    assert_string_equal(l[0]->mac, "52:54:00:aa:00:01");
    assert_string_equal(l[0]->ipaddr, "10.9.0.100");
    assert_int_equal(l[0]->prefix, 24);
    assert_int_equal(l[0]->type, VIR_IP_ADDR_TYPE_IPV4);
    assert_string_equal(l[0]->hostname, "guest1");
    assert_string_equal(l[0]->clientid, "01:52:54:00:aa:00:01");
    assert_null(l[1]->hostname);
    assert_null(l[1]->clientid);
    assert_int_equal(l[2]->type, VIR_IP_ADDR_TYPE_IPV6);
    assert_null(l[2]->mac);
    assert_string_equal(l[2]->iaid, "12345");
    assert_int_equal(l[2]->prefix, 64);
    assert_null(l[3]);
    for (int i = 0; i < n; i++)
        virNetworkDHCPLeaseFree(l[i]);
    g_free(l);

    /* a MAC filter, case-insensitive; counting without a list */
    assert_int_equal(vkDnsmasqParseLeases(text, s, "vkbr1", "52:54:00:aa:00:02", NULL), 1);
    assert_int_equal(vkDnsmasqParseLeases(text, s, "vkbr1", "52:54:00:AA:00:01", NULL), 1);
    assert_int_equal(vkDnsmasqParseLeases(NULL, s, "vkbr1", NULL, NULL), 0);
}

static void
tableNames(void **state)
{
    g_autofree char *a = vkNftTableName("virbr0");
    g_autofree char *b = vkNftTableName("vk-br.1");

    assert_string_equal(a, "virtkit_virbr0");
    assert_string_equal(b, "virtkit_vk_br_1");
}

/* g_ptr_array_sort hands the comparator pointers to the elements */
static gint
byName(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) tests = g_array_new(FALSE, TRUE, sizeof(struct CMUnitTest));
    const char *ent;

    if (argc < 2)
        return 2;
    dataDir = argv[1];
    if (!(dir = g_dir_open(dataDir, 0, NULL)))
        return 2;
    while ((ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, byName);
    for (guint i = 0; i < names->len; i++) {
        struct CMUnitTest t = { .name = names->pdata[i], .test_func = runCase,
                                .initial_state = names->pdata[i] };
        g_array_append_val(tests, t);
    }
    {
        struct CMUnitTest more[] = {
            cmocka_unit_test(leases),
            cmocka_unit_test(tableNames),
        };
        g_array_append_vals(tests, more, G_N_ELEMENTS(more));
    }
    return _cmocka_run_group_tests("network-setup", (struct CMUnitTest *)tests->data,
                                   tests->len, NULL, NULL);
}
