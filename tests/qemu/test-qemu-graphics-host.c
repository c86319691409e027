/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The start-time host check of displays libvirt accepts at define
 * (vkQemuGraphicsCheckHost): sdl and a dbus display without a bus are
 * refused by name; OpenGL needs a render node, which a temporary
 * directory stands in for /dev/dri; a <gl> without rendernode gets the
 * first node, as libvirt's live XML names it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <glib/gstdio.h>

#include "conf/domain-conf.h"
#include "drivers/qemu/qemu-graphics.h"
#include "util/error.h"

static vkDomainDef *
parse(const char *devices)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'><name>g</name><memory>65536</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<devices>%s</devices></domain>", devices);
    vkDomainDef *def = vkDomainDefParseString(xml, "kvm,qemu", 0);

    assert_non_null(def);
    return def;
}

/* check devices against driDir: 0, or -1 with an error containing want */
static void
expect(const char *devices, const char *driDir, const char *want)
{
    g_autoptr(vkDomainDef) def = parse(devices);
    int rc = vkQemuGraphicsCheckHost(def, driDir);

    if (!want) {
        if (rc != 0)
            fail_msg("%s refused: %s", devices, vkErrorGetLast()->message);
        return;
    }
    assert_int_equal(rc, -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_CONFIG_UNSUPPORTED);
    if (!strstr(vkErrorGetLast()->message, want))
        fail_msg("message '%s' lacks '%s'", vkErrorGetLast()->message, want);
}

static void
testRefusals(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vk-dri-XXXXXX", NULL);

    assert_non_null(dir);
    expect("<graphics type='vnc'/>", dir, NULL);
    expect("<graphics type='sdl'/>", dir, "no DISPLAY");
    expect("<graphics type='dbus'/>", dir, "without address='' or p2p='yes'");
    expect("<graphics type='dbus' p2p='yes'/>", dir, NULL);
    expect("<graphics type='dbus' address='unix:path=/x'/>", dir, NULL);
    expect("<graphics type='egl-headless'/>", dir, "<graphics type='egl-headless'>");
    expect("<graphics type='spice'><gl enable='yes'/></graphics>", dir, "needs a DRI render node");
    expect("<graphics type='spice'><gl enable='no'/></graphics>", dir, NULL);
    expect("<video><model type='virtio'><acceleration accel3d='yes'/></model></video>", dir,
           "accel3d");
    expect("<graphics type='egl-headless'><gl rendernode='/nonexistent/renderD128'/>"
           "</graphics>", dir, "render node '/nonexistent/renderD128' does not exist");
    assert_int_equal(g_rmdir(dir), 0);
}

static void
testRenderNode(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vk-dri-XXXXXX", NULL);
    g_autofree char *n129 = g_build_filename(dir, "renderD129", NULL);
    g_autofree char *n128 = g_build_filename(dir, "renderD128", NULL);
    g_autofree char *card = g_build_filename(dir, "card0", NULL);
    g_autoptr(vkDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *want = NULL;

    assert_non_null(dir);
    assert_true(g_file_set_contents(n129, "", 0, NULL));
    assert_true(g_file_set_contents(n128, "", 0, NULL));
    assert_true(g_file_set_contents(card, "", 0, NULL));
    expect("<graphics type='egl-headless'/>", dir, NULL);
    expect("<video><model type='virtio'><acceleration accel3d='yes'/></model></video>", dir,
           NULL);
    expect("<graphics type='sdl'><gl enable='yes'/></graphics>", dir, "no DISPLAY");

    def = parse("<graphics type='spice' autoport='no'><gl enable='yes'/></graphics>");
    assert_int_equal(vkQemuGraphicsCheckHost(def, dir), 0);
    xml = vkDomainDefFormat(def, 0);
    want = g_strdup_printf("rendernode='%s'", n128);
    if (!strstr(xml, want))
        fail_msg("no %s in\n%s", want, xml);

    g_unlink(n129);
    g_unlink(n128);
    g_unlink(card);
    assert_int_equal(g_rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testRefusals),
        cmocka_unit_test(testRenderNode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
