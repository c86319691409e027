/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-attach.c: attach-disk and attach-interface, which write a
 * device's XML from their options and hand it to the attach API.  The
 * XML is virsh's byte for byte (--print-xml shows it): the same element
 * order, attribute quoting and two-space indent, because scripts compare
 * it and feed it to other tools. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vksh.h"

/* Appends value with & < > ' " escaped, as libvirt escapes its documents. */
void
vkshXmlAppendEscaped(GString *buf, const char *value)
{
    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '&': g_string_append(buf, "&amp;"); break;
        case '<': g_string_append(buf, "&lt;"); break;
        case '>': g_string_append(buf, "&gt;"); break;
        case '\'': g_string_append(buf, "&apos;"); break;
        case '"': g_string_append(buf, "&quot;"); break;
        default: g_string_append_c(buf, *p);
        }
    }
}

/* Appends " name='value'" with value escaped. */
void
vkshXmlAppendAttr(GString *buf, const char *name, const char *value)
{
    g_string_append_printf(buf, " %s='", name);
    vkshXmlAppendEscaped(buf, value);
    g_string_append_c(buf, '\'');
}

/* Attaches xml, or prints it for --print-xml; what is "disk" or "interface". */
static bool
attachXml(vkshCtl *ctl, const vkshCmd *cmd, const char *xml, const char *what)
{
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags = 0;
    bool plain;

    if (!vkshDeviceAffectFlags(ctl, cmd, NULL, &flags, &plain))
        return false;
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    flags = 0;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        !vkshDeviceAffectFlags(ctl, cmd, dom, &flags, &plain))
        return false;
    return vkshDeviceChange(ctl, dom, xml, flags, plain, true, what);
}

/* ---- attach-disk ---- */

static const vkshOptDef optsAttachDisk[] = {
    VKSH_OPT_DOMAIN,
    { "source", VKSH_OT_DATA, VKSH_OFLAG_REQ, "source of disk device or name of network disk" },
    { "target", VKSH_OT_DATA, VKSH_OFLAG_REQ, "target of disk device" },
    { "targetbus", VKSH_OT_STRING, 0, "target bus of disk device" },
    { "driver", VKSH_OT_STRING, 0, "driver of disk device" },
    { "subdriver", VKSH_OT_STRING, 0, "subdriver of disk device" },
    { "iothread", VKSH_OT_STRING, 0, "IOThread to be used by supported device" },
    { "cache", VKSH_OT_STRING, 0, "cache mode of disk device" },
    { "io", VKSH_OT_STRING, 0, "io policy of disk device" },
    { "type", VKSH_OT_STRING, 0, "target device type" },
    { "mode", VKSH_OT_STRING, 0, "mode of device reading and writing" },
    { "sourcetype", VKSH_OT_STRING, 0, "type of source (block|file|network)" },
    { "serial", VKSH_OT_STRING, 0, "serial of disk device" },
    { "wwn", VKSH_OT_STRING, 0, "wwn of disk device" },
    { "alias", VKSH_OT_STRING, 0, "custom alias name of disk device" },
    { "rawio", VKSH_OT_BOOL, 0, "needs rawio capability" },
    { "address", VKSH_OT_STRING, 0, "address of disk device" },
    { "multifunction", VKSH_OT_BOOL, 0, "use multifunction pci under specified address" },
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than attach the disk" },
    { "source-protocol", VKSH_OT_STRING, 0, "protocol used by disk device source" },
    { "source-host-name", VKSH_OT_STRING, 0, "host name for source of disk device" },
    { "source-host-transport", VKSH_OT_STRING, 0, "host transport for source of disk device" },
    { "source-host-socket", VKSH_OT_STRING, 0, "host socket for source of disk device" },
    { "persistent", VKSH_OT_BOOL, 0, "make live change persistent" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

/* Splits "a.b.c[.d]" after the "kind:" prefix into n numbers of base
 * base; extra fields are ignored, as virsh ignores them. */
static bool
parseAddrNumbers(const char *s, int base, unsigned long *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *end;

        if (!g_ascii_isxdigit(*s))
            return false;
        errno = 0;
        out[i] = strtoul(s, &end, base);
        if (errno || end == s || (i + 1 < n && *end != '.') ||
            (i + 1 == n && *end && *end != '.'))
            return false;
        s = end + 1;
    }
    return true;
}

/* virsh's --address forms and the <address> each gives; the target's
 * prefix (vd, sd, hd) limits which forms are accepted. */
static bool
diskAddress(vkshCtl *ctl, const char *addr, const char *target, bool multifunction,
            GString *buf)
{
    const char *colon = strchr(addr, ':');
    g_autofree char *kind = colon ? g_strndup(addr, colon - addr) : NULL;
    unsigned long v[4];
    const char *allowed = NULL;
    const char *expect = NULL;

    if (g_str_has_prefix(target, "vd")) {
        allowed = "pci ccw";
        expect = "expecting a pci:0000.00.00.00 or ccw:00.0.0000 address.";
    } else if (g_str_has_prefix(target, "sd")) {
        allowed = "scsi usb sata";
        expect = "expecting a scsi:00.00.00 or usb:00.00 or sata:00.00.00 address.";
    } else if (g_str_has_prefix(target, "hd")) {
        allowed = "ide";
        expect = "expecting an ide:00.00.00 address.";
    }
    if (!kind || !(g_str_equal(kind, "pci") || g_str_equal(kind, "ccw") ||
                   g_str_equal(kind, "scsi") || g_str_equal(kind, "usb") ||
                   g_str_equal(kind, "sata") || g_str_equal(kind, "ide")) ||
        !parseAddrNumbers(colon + 1, g_str_equal(kind, "pci") || g_str_equal(kind, "ccw") ? 16 : 10,
                          v, g_str_equal(kind, "pci") ? 4 : g_str_equal(kind, "usb") ? 2 : 3)) {
        vkshError(ctl, "%s", "Invalid address.");
        return false;
    }
    if (allowed) {
        g_auto(GStrv) kinds = g_strsplit(allowed, " ", -1);

        if (!g_strv_contains((const char *const *)kinds, kind)) {
            vkshError(ctl, "%s", expect);
            return false;
        }
    }
    if (g_str_equal(kind, "pci"))
        g_string_append_printf(buf, "  <address type='pci' domain='0x%04lx' bus='0x%02lx' "
                               "slot='0x%02lx' function='0x%lx'%s/>\n", v[0], v[1], v[2], v[3],
                               multifunction ? " multifunction='on'" : "");
    else if (g_str_equal(kind, "ccw"))
        g_string_append_printf(buf, "  <address type='ccw' cssid='0x%02lx' ssid='0x%lx' "
                               "devno='0x%04lx'/>\n", v[0], v[1], v[2]);
    else if (g_str_equal(kind, "usb"))
        g_string_append_printf(buf, "  <address type='usb' bus='%lu' port='%lu'/>\n", v[0], v[1]);
    else
        g_string_append_printf(buf, "  <address type='drive' controller='%lu' bus='%lu' "
                               "unit='%lu'/>\n", v[0], v[1], v[2]);
    return true;
}

/* <source> of a network disk: name is the source argument, the host
 * comes from --source-host-name ("name[:port]") or the socket. */
static void
diskNetworkSource(const vkshCmd *cmd, const char *source, GString *buf)
{
    const char *hostName = vkshOptString(cmd, "source-host-name");
    const char *transport = vkshOptString(cmd, "source-host-transport");
    const char *sock = vkshOptString(cmd, "source-host-socket");

    g_string_append(buf, "  <source");
    vkshXmlAppendAttr(buf, "protocol", vkshOptString(cmd, "source-protocol"));
    vkshXmlAppendAttr(buf, "name", source);
    if (!hostName && !transport && !sock) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n    <host");
    if (transport)
        vkshXmlAppendAttr(buf, "transport", transport);
    if (hostName) {
        g_auto(GStrv) hp = g_strsplit(hostName, ":", 2);

        vkshXmlAppendAttr(buf, "name", hp[0]);
        if (hp[1])
            vkshXmlAppendAttr(buf, "port", hp[1]);
    }
    if (sock)
        vkshXmlAppendAttr(buf, "socket", sock);
    g_string_append(buf, "/>\n  </source>\n");
}

static char *
diskXml(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *source = vkshOptString(cmd, "source");
    const char *target = vkshOptString(cmd, "target");
    const char *stype = vkshOptString(cmd, "sourcetype");
    const char *mode = vkshOptString(cmd, "mode");
    const char *addr = vkshOptString(cmd, "address");
    static const char *const driverAttrs[][2] = {
        { "driver", "name" }, { "subdriver", "type" }, { "iothread", "iothread" },
        { "cache", "cache" }, { "io", "io" },
    };
    static const char *const tail[][2] = {
        { "serial", "serial" }, { "alias", NULL }, { "wwn", "wwn" },
    };
    g_autoptr(GString) buf = g_string_new("<disk");
    bool anyDriver = false;
    struct stat st;

    if (!vkshOptRequires(ctl, cmd, "source-protocol", "source-host-name") ||
        !vkshOptRequires(ctl, cmd, "source-protocol", "source-host-transport") ||
        !vkshOptRequires(ctl, cmd, "source-protocol", "source-host-socket") ||
        !vkshOptRequires(ctl, cmd, "source-host-transport", "source-host-socket"))
        return NULL;
    if (vkshOptString(cmd, "source-protocol") && !stype)
        stype = "network";
    if ((stype && g_str_equal(stype, "network")) != !!vkshOptString(cmd, "source-protocol")) {
        vkshError(ctl, "%s", "--source-protocol option requires --sourcetype network");
        return NULL;
    }
    if (!stype)
        stype = stat(source, &st) == 0 && S_ISBLK(st.st_mode) ? "block" : "file";
    if (!g_str_equal(stype, "file") && !g_str_equal(stype, "block") &&
        !g_str_equal(stype, "network")) {
        vkshError(ctl, "Unknown source type: '%s'", stype);
        return NULL;
    }
    if (mode && !g_str_equal(mode, "readonly") && !g_str_equal(mode, "shareable")) {
        vkshError(ctl, "No support for %s in command 'attach-disk'", mode);
        return NULL;
    }

    vkshXmlAppendAttr(buf, "type", stype);
    if (vkshOptString(cmd, "type"))
        vkshXmlAppendAttr(buf, "device", vkshOptString(cmd, "type"));
    if (vkshOptBool(cmd, "rawio"))
        vkshXmlAppendAttr(buf, "rawio", "yes");
    g_string_append(buf, ">\n");

    for (size_t i = 0; i < G_N_ELEMENTS(driverAttrs); i++) {
        const char *v = vkshOptString(cmd, driverAttrs[i][0]);

        if (!v)
            continue;
        if (!anyDriver)
            g_string_append(buf, "  <driver");
        anyDriver = true;
        vkshXmlAppendAttr(buf, driverAttrs[i][1], v);
    }
    if (anyDriver)
        g_string_append(buf, "/>\n");

    if (g_str_equal(stype, "network")) {
        diskNetworkSource(cmd, source, buf);
    } else {
        g_string_append(buf, "  <source");
        vkshXmlAppendAttr(buf, g_str_equal(stype, "file") ? "file" : "dev", source);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "  <target");
    vkshXmlAppendAttr(buf, "dev", target);
    if (vkshOptString(cmd, "targetbus"))
        vkshXmlAppendAttr(buf, "bus", vkshOptString(cmd, "targetbus"));
    g_string_append(buf, "/>\n");
    if (mode)
        g_string_append_printf(buf, "  <%s/>\n", mode);
    for (size_t i = 0; i < G_N_ELEMENTS(tail); i++) {
        const char *v = vkshOptString(cmd, tail[i][0]);

        if (!v)
            continue;
        if (tail[i][1]) {
            /* virsh writes these texts unescaped */
            g_string_append_printf(buf, "  <%s>%s</%s>\n", tail[i][1], v, tail[i][1]);
        } else {
            g_string_append(buf, "  <alias");
            vkshXmlAppendAttr(buf, "name", v);
            g_string_append(buf, "/>\n");
        }
    }
    if (addr && !diskAddress(ctl, addr, target, vkshOptBool(cmd, "multifunction"), buf))
        return NULL;
    g_string_append(buf, "</disk>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

static bool
cmdAttachDisk(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *xml = diskXml(ctl, cmd);

    return xml && attachXml(ctl, cmd, xml, "disk");
}

/* ---- attach-interface ---- */

static const vkshOptDef optsAttachIface[] = {
    VKSH_OPT_DOMAIN,
    { "type", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network interface type" },
    { "source", VKSH_OT_DATA, VKSH_OFLAG_REQ, "source of network interface" },
    { "target", VKSH_OT_STRING, 0, "target network name" },
    { "mac", VKSH_OT_STRING, 0, "MAC address" },
    { "script", VKSH_OT_STRING, 0, "script used to bridge network interface" },
    { "model", VKSH_OT_STRING, 0, "model type" },
    { "alias", VKSH_OT_STRING, 0, "custom alias name of interface device" },
    { "inbound", VKSH_OT_STRING, 0, "control domain's incoming traffics" },
    { "outbound", VKSH_OT_STRING, 0, "control domain's outgoing traffics" },
    { "persistent", VKSH_OT_BOOL, 0, "make live change persistent" },
    VKSH_OPTS_AFFECT,
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than attach the interface" },
    { "managed", VKSH_OT_BOOL, 0,
      "libvirt will automatically detach/attach the device from/to host" },
    { "source-mode", VKSH_OT_STRING, 0, "mode attribute of <source/> element" },
    { NULL, 0, 0, NULL },
};

/* <inbound>/<outbound> from virsh's rate string. */
static bool
appendRate(vkshCtl *ctl, const char *dir, const char *text, GString *buf)
{
    static const char *const fields[] = { "average", "peak", "burst", "floor" };
    guint64 v[4];
    bool set[4];

    if (!vkshParseRate(ctl, text, g_str_equal(dir, "inbound"), v, set))
        return false;
    g_string_append_printf(buf, "    <%s", dir);
    for (size_t i = 0; i < 4; i++) {
        if (v[i])
            g_string_append_printf(buf, " %s='%" G_GUINT64_FORMAT "'", fields[i], v[i]);
    }
    g_string_append(buf, "/>\n");
    return true;
}

/* The <source> of each interface type virsh can attach; NULL after an error. */
static bool
ifaceSource(vkshCtl *ctl, const char *type, const char *source, const char *mode,
            GString *buf)
{
    if (g_str_equal(type, "network") || g_str_equal(type, "bridge") ||
        g_str_equal(type, "direct")) {
        g_string_append(buf, "  <source");
        vkshXmlAppendAttr(buf, g_str_equal(type, "direct") ? "dev" : type, source);
        g_string_append(buf, "/>\n");
    } else if (g_str_equal(type, "hostdev")) {
        unsigned int d, b, s, f;
        char extra;

        if (sscanf(source, "%x:%x:%x.%x%c", &d, &b, &s, &f, &extra) != 4) {
            vkshError(ctl, "cannot parse pci address '%s' for network interface", source);
            return false;
        }
        g_string_append_printf(buf, "  <source>\n    <address type='pci' domain='0x%04x' "
                               "bus='0x%02x' slot='0x%02x' function='0x%x'/>\n  </source>\n",
                               d, b, s, f);
    } else if (g_str_equal(type, "vhostuser")) {
        if (!mode) {
            vkshError(ctl, "%s", "source-mode is mandatory");
            return false;
        }
        g_string_append(buf, "  <source type='unix'");
        vkshXmlAppendAttr(buf, "path", source);
        vkshXmlAppendAttr(buf, "mode", mode);
        g_string_append(buf, "/>\n");
    } else {
        vkshError(ctl, "No support for %s in command 'attach-interface'", type);
        return false;
    }
    return true;
}

static char *
ifaceXml(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *type = vkshOptString(cmd, "type");
    const char *mode = vkshOptString(cmd, "source-mode");
    const char *inbound = vkshOptString(cmd, "inbound");
    const char *outbound = vkshOptString(cmd, "outbound");
    static const char *const simple[][3] = {
        { "target", "target", "dev" }, { "mac", "mac", "address" },
        { "script", "script", "path" }, { "model", "model", "type" },
        { "alias", "alias", "name" },
    };
    g_autoptr(GString) buf = g_string_new("<interface");

    if (mode && !g_str_equal(mode, "server") && !g_str_equal(mode, "client")) {
        vkshError(ctl, "Invalid source mode: %s", mode);
        return NULL;
    }
    vkshXmlAppendAttr(buf, "type", type);
    if (vkshOptBool(cmd, "managed"))
        vkshXmlAppendAttr(buf, "managed", "yes");
    g_string_append(buf, ">\n");
    if (!ifaceSource(ctl, type, vkshOptString(cmd, "source"), mode, buf))
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(simple); i++) {
        const char *v = vkshOptString(cmd, simple[i][0]);

        if (!v)
            continue;
        g_string_append_printf(buf, "  <%s", simple[i][1]);
        vkshXmlAppendAttr(buf, simple[i][2], v);
        g_string_append(buf, "/>\n");
    }
    if (inbound || outbound) {
        g_string_append(buf, "  <bandwidth>\n");
        if ((inbound && !appendRate(ctl, "inbound", inbound, buf)) ||
            (outbound && !appendRate(ctl, "outbound", outbound, buf)))
            return NULL;
        g_string_append(buf, "  </bandwidth>\n");
    }
    g_string_append(buf, "</interface>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

static bool
cmdAttachIface(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *xml = ifaceXml(ctl, cmd);

    return xml && attachXml(ctl, cmd, xml, "interface");
}

VKSH_CMD(vkshCmdAttachDisk, "attach-disk", cmdAttachDisk, optsAttachDisk,
         "attach disk device", "Attach new disk device.");
VKSH_CMD(vkshCmdAttachInterface, "attach-interface", cmdAttachIface, optsAttachIface,
         "attach network interface", "Attach new network interface.");
