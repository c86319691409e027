/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host-interface reader against a sysfs tree the test writes in a
 * temporary directory: what is listed (bridge ports are not), active
 * means operstate "up", speed only for a link that is up, the XML of an
 * ethernet link and of a bridge with its ports, names that would leave
 * the tree, a link without the files a link has, an unreadable tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "virtkit/virtkit.h"
#include "drivers/interface/interface-sysfs.h"

static char *net;

static void
put(const char *link, const char *file, const char *text)
{
    g_autofree char *path = g_build_filename(net, link, file, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    assert_int_equal(g_mkdir_with_parents(dir, 0700), 0);
    assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void
addLink(const char *name, const char *mac, const char *state, const char *mtu, const char *speed)
{
    put(name, "ifindex", "3\n");
    put(name, "address", mac);
    put(name, "operstate", state);
    put(name, "mtu", mtu);
    if (speed)
        put(name, "speed", speed);
}

static int
setup(void **state)
{
    (void)state;
    net = g_dir_make_tmp("vk-iface-sysfs-XXXXXX", NULL);
    assert_non_null(net);
    addLink("eth0", "52:54:00:00:00:01\n", "up\n", "1500\n", "1000\n");
    addLink("eth1", "52:54:00:00:00:02\n", "down\n", "9000\n", "-1\n");
    addLink("br0", "52:54:00:00:00:03\n", "up\n", "1500\n", NULL);
    put("br0", "bridge/stp_state", "1\n");
    put("br0", "bridge/forward_delay", "1500\n");
    put("br0", "brif/vnet0/x", "");
    put("br0", "brif/eth9/x", "");
    addLink("vnet0", "fe:54:00:00:00:04\n", "unknown\n", "1500\n", "10\n");
    put("vnet0", "brport/state", "3\n");
    addLink("eth9", "52:54:00:00:00:05\n", "lowerlayerdown\n", "1500\n", NULL);
    put("eth9", "brport/state", "0\n");
    /* not a link: no ifindex */
    put("junk", "address", "00:00:00:00:00:00\n");
    return 0;
}

static int
teardown(void **state)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", net);

    (void)state;
    assert_int_equal(system(cmd), 0);
    g_clear_pointer(&net, g_free);
    return 0;
}

static void
test_list(void **state)
{
    g_autoptr(GPtrArray) list = NULL;
    const char *want[] = { "br0", "eth0", "eth1" };

    (void)state;
    assert_int_equal(vkHostIfaceList(net, &list), 0);
    assert_int_equal(list->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < list->len; i++)
        assert_string_equal(((vkHostIface *)list->pdata[i])->name, want[i]);
    assert_true(vkHostIfaceActive(list->pdata[0]));
    assert_true(vkHostIfaceActive(list->pdata[1]));
    assert_false(vkHostIfaceActive(list->pdata[2]));
}

static void
test_read(void **state)
{
    g_autoptr(vkHostIface) up = vkHostIfaceRead(net, "eth0");
    g_autoptr(vkHostIface) down = vkHostIfaceRead(net, "eth1");
    g_autoptr(vkHostIface) port = vkHostIfaceRead(net, "vnet0");

    (void)state;
    assert_non_null(up);
    assert_string_equal(up->mac, "52:54:00:00:00:01");
    assert_int_equal(up->mtu, 1500);
    assert_int_equal(up->speed, 1000);
    assert_int_equal(down->speed, 0);
    assert_true(port->bridgePort);
    /* the port is found by name even though lists leave it out */
    assert_int_equal(port->speed, 0);
    assert_null(vkHostIfaceRead(net, "junk"));
    assert_null(vkHostIfaceRead(net, "nosuch"));
    assert_null(vkHostIfaceRead(net, ".."));
    assert_null(vkHostIfaceRead(net, "../etc"));
    assert_null(vkHostIfaceRead(net, ""));
}

static void
test_format(void **state)
{
    g_autoptr(vkHostIface) eth = vkHostIfaceRead(net, "eth0");
    g_autoptr(vkHostIface) br = vkHostIfaceRead(net, "br0");
    g_autofree char *x1 = vkHostIfaceFormat(net, eth);
    g_autofree char *x2 = vkHostIfaceFormat(net, br);

    (void)state;
    assert_string_equal(x1, "<interface type='ethernet' name='eth0'>\n"
                            "  <mtu size='1500'/>\n"
                            "  <link speed='1000' state='up'/>\n"
                            "  <mac address='52:54:00:00:00:01'/>\n"
                            "</interface>\n");
    assert_string_equal(x2, "<interface type='bridge' name='br0'>\n"
                            "  <mtu size='1500'/>\n"
                            "  <bridge stp='on' delay='1500'>\n"
                            "    <interface type='ethernet' name='eth9'>\n"
                            "      <link state='lowerlayerdown'/>\n"
                            "      <mac address='52:54:00:00:00:05'/>\n"
                            "    </interface>\n"
                            "    <interface type='ethernet' name='vnet0'>\n"
                            "      <link state='unknown'/>\n"
                            "      <mac address='fe:54:00:00:00:04'/>\n"
                            "    </interface>\n"
                            "  </bridge>\n"
                            "</interface>\n");
}

static void
test_unreadable(void **state)
{
    g_autofree char *gone = g_build_filename(net, "nosuchdir", NULL);
    GPtrArray *list = NULL;

    (void)state;
    assert_int_equal(vkHostIfaceList(gone, &list), -1);
    assert_null(list);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INTERNAL_ERROR);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_unreadable),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
