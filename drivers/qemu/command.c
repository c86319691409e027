/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain definition -> QEMU argv.
 *
 * A pure function: it reads the definition and the few facts the caller
 * decided (emulator path, monitor fd), touches no file and no process, so
 * every case is tested by comparing against a file of expected arguments.
 * The same walk validates a definition at define time: anything it cannot
 * translate faithfully is refused with VIR_ERR_CONFIG_UNSUPPORTED naming
 * the element, rather than silently dropped at start.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"
#include "util/uuid.h"
#include "drivers/qemu/qemu-blockdev.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

#define DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

bool
vkQemuCmdIsQ35(const vkDomainDef *def)
{
    return def->osMachine && strstr(def->osMachine, "q35") != NULL;
}

void
vkQemuCmdAddress(GString *dev, const vkDomainDef *def, const vkXmlElem *addr)
{
    const char *type = addr ? vkXmlElemGetAttr(addr, "type") : NULL;

    if (g_strcmp0(type, "pci") == 0) {
        const char *busStr = vkXmlElemGetAttr(addr, "bus");
        const char *slotStr = vkXmlElemGetAttr(addr, "slot");
        const char *fnStr = vkXmlElemGetAttr(addr, "function");
        const char *multi = vkXmlElemGetAttr(addr, "multifunction");
        unsigned int bus = busStr ? (unsigned int)g_ascii_strtoull(busStr, NULL, 0) : 0;
        unsigned int slot = slotStr ? (unsigned int)g_ascii_strtoull(slotStr, NULL, 0) : 0;
        unsigned int fn = fnStr ? (unsigned int)g_ascii_strtoull(fnStr, NULL, 0) : 0;

        if (bus == 0 && vkQemuCmdIsQ35(def))
            g_string_append(dev, ",bus=pcie.0");
        else
            g_string_append_printf(dev, ",bus=pci.%u", bus);
        if (fn)
            g_string_append_printf(dev, ",addr=0x%x.0x%x", slot, fn);
        else
            g_string_append_printf(dev, ",addr=0x%x", slot);
        if (g_strcmp0(multi, "on") == 0)
            g_string_append(dev, ",multifunction=on");
    } else if (g_strcmp0(type, "usb") == 0) {
        const char *bus = vkXmlElemGetAttr(addr, "bus");
        const char *port = vkXmlElemGetAttr(addr, "port");
        unsigned int b = bus ? (unsigned int)g_ascii_strtoull(bus, NULL, 10) : 0;

        /* the controller of index 0 is "usb", others "usbN" */
        if (b)
            g_string_append_printf(dev, ",bus=usb%u.0", b);
        else
            g_string_append(dev, ",bus=usb.0");
        if (port)
            g_string_append_printf(dev, ",port=%s", port);
    } else if (g_strcmp0(type, "virtio-serial") == 0) {
        const char *ctrl = vkXmlElemGetAttr(addr, "controller");
        const char *bus = vkXmlElemGetAttr(addr, "bus");
        const char *port = vkXmlElemGetAttr(addr, "port");

        g_string_append_printf(dev, ",bus=virtio-serial%s.%s", ctrl ? ctrl : "0",
                               bus ? bus : "0");
        if (port)
            g_string_append_printf(dev, ",nr=%s", port);
    }
}

void
vkQemuPCIAddressProps(vkJSON *props, const vkDomainDef *def, const vkXmlElem *addr)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_auto(GStrv) parts = NULL;

    vkQemuCmdAddress(s, def, addr);
    parts = g_strsplit(s->str, ",", 0);
    for (guint i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');

        if (!eq)
            continue;
        *eq = '\0';
        if (strcmp(parts[i], "multifunction") == 0)
            vkJSONObjectAppendBool(props, parts[i], strcmp(eq + 1, "on") == 0);
        else
            vkJSONObjectAppendString(props, parts[i], eq + 1);
    }
}

static char **
build(const vkDomainDef *def, const vkQemuCommandOpts *opts, bool start)
{
    cmdBuf b = { .argv = g_ptr_array_new_with_free_func(g_free), .def = def, .opts = opts,
                 .start = start };
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *name = esc(def->name);

    add(&b, def->emulator ? def->emulator :
        opts && opts->emulator ? opts->emulator : DEFAULT_EMULATOR);
    add(&b, "-name");
    addf(&b, "guest=%s,debug-threads=on", name);
    add(&b, "-S");
    vkUUIDFormat(def->uuid, uuid);
    add2(&b, "-uuid", uuid);
    add(&b, "-no-user-config");
    add(&b, "-nodefaults");

    if (vkQemuCmdMachine(&b) < 0 || vkQemuCmdCpu(&b) < 0 || vkQemuCmdOS(&b) < 0 ||
        vkQemuCmdClock(&b) < 0)
        goto error;

    add(&b, "-chardev");
    if (opts && opts->monitorFd >= 0) {
        addf(&b, "socket,id=charmonitor,fd=%d,server=on,wait=off", opts->monitorFd);
    } else {
        g_autofree char *p = esc(opts && opts->monitorPath ? opts->monitorPath :
                                 "monitor.sock");
        addf(&b, "socket,id=charmonitor,path=%s,server=on,wait=off", p);
    }
    add2(&b, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    /* We decide what a guest power-off means, from the SHUTDOWN event. */
    add(&b, "-no-shutdown");
    if (def->onReboot == VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY)
        add(&b, "-no-reboot");

    if (vkQemuCmdIommu(&b) < 0 || vkQemuCmdGraphics(&b) < 0 || vkQemuCmdControllersAndOthers(&b) < 0 ||
        vkQemuCmdVideo(&b) < 0 || vkQemuCmdInputAndSound(&b) < 0 ||
        vkQemuCmdFilesystems(&b) < 0 || vkQemuCmdDisks(&b) < 0 || vkQemuCmdNets(&b) < 0 || vkQemuCmdChardevs(&b) < 0)
        goto error;

    if (opts && opts->incoming)
        add2(&b, "-incoming", opts->incoming);
    if (vkQemuCmdPassthrough(&b) < 0)
        goto error;

    g_ptr_array_add(b.argv, NULL);
    return (char **)g_ptr_array_free(b.argv, FALSE);

 error:
    g_ptr_array_free(b.argv, TRUE);
    return NULL;
}

char **
vkQemuBuildArgv(const vkDomainDef *def, const vkQemuCommandOpts *opts)
{
    return build(def, opts, true);
}

int
vkQemuValidateDef(const vkDomainDef *def)
{
    g_auto(GStrv) argv = build(def, NULL, false);

    return argv ? 0 : -1;
}

int
vkQemuValidateLive(const vkDomainDef *def)
{
    g_auto(GStrv) argv = build(def, NULL, true);

    return argv ? 0 : -1;
}
