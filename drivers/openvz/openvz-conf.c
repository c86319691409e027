/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OpenVZ's per-container config (ctid.conf(5)) <-> domain definitions.
 *
 * ctid.conf is a shell fragment of KEY="value" lines that vzctl owns; the
 * driver only reads it, and writes back a single "#UUID: ..." comment line
 * (the place libvirt's OpenVZ driver kept a container's UUID, so configs
 * move between the two).  Turning a conf into a definition goes through
 * domain XML and the one parser in src/conf, so what GetXMLDesc prints is
 * exactly what src/conf formats for any other driver.  The way back is a
 * list of `vzctl set ... --save` options: vzctl stays the only writer of
 * the keys it owns.  Everything here is pure (no files, no processes).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_OPENVZ
#include "util/error.h"
#include "util/uuid.h"
#include "conf/domain-conf-priv.h"
#include "drivers/openvz/openvz-private.h"

#define UUID_PREFIX "#UUID:"
#define PAGE_KIB 4ULL
/* vzctl's "unlimited" (LONG_MAX) and anything near it means no limit. */
#define UNLIMITED_PAGES (1ULL << 50)

vkOpenvzConf *
vkOpenvzConfParse(const char *text)
{
    vkOpenvzConf *conf = g_new0(vkOpenvzConf, 1);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    guint n = g_strv_length(lines);

    /* A final newline leaves one empty string behind: not a line. */
    if (n > 0 && lines[n - 1][0] == '\0')
        n--;
    conf->lines = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(conf->lines, g_strdup(lines[i]));
    return conf;
}

void
vkOpenvzConfFree(vkOpenvzConf *conf)
{
    if (!conf)
        return;
    g_ptr_array_unref(conf->lines);
    g_free(conf);
}

/* "KEY=value" -> value start when line assigns key. */
static const char *
matchKey(const char *line, const char *key)
{
    size_t klen = strlen(key);

    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, key, klen) != 0 || line[klen] != '=')
        return NULL;
    return line + klen + 1;
}

const char *
vkOpenvzConfGet(const vkOpenvzConf *conf, const char *key)
{
    static GPrivate last = G_PRIVATE_INIT(g_free);
    const char *found = NULL;

    for (guint i = 0; i < conf->lines->len; i++) {
        const char *v = matchKey(conf->lines->pdata[i], key);

        if (v)
            found = v;
    }
    if (!found)
        return NULL;
    /* Unquote into a per-thread buffer: callers copy what they keep. */
    g_autofree char *val = g_strstrip(g_strdup(found));
    size_t len = strlen(val);

    if (len >= 2 && (val[0] == '"' || val[0] == '\'') && val[len - 1] == val[0]) {
        val[len - 1] = '\0';
        memmove(val, val + 1, len - 1);
    }
    g_private_replace(&last, g_steal_pointer(&val));
    return g_private_get(&last);
}

bool
vkOpenvzConfGetUUID(const vkOpenvzConf *conf, unsigned char *uuid)
{
    for (guint i = 0; i < conf->lines->len; i++) {
        const char *line = conf->lines->pdata[i];

        if (g_str_has_prefix(line, UUID_PREFIX) &&
            vkUUIDParse(line + strlen(UUID_PREFIX), uuid) == 0)
            return true;
    }
    return false;
}

void
vkOpenvzConfSetUUID(vkOpenvzConf *conf, const unsigned char *uuid)
{
    char str[VIR_UUID_STRING_BUFLEN];
    char *line;

    vkUUIDFormat(uuid, str);
    line = g_strdup_printf(UUID_PREFIX " %s", str);
    for (guint i = 0; i < conf->lines->len; i++) {
        if (g_str_has_prefix(conf->lines->pdata[i], UUID_PREFIX)) {
            g_free(conf->lines->pdata[i]);
            conf->lines->pdata[i] = line;
            return;
        }
    }
    g_ptr_array_add(conf->lines, line);
}

char *
vkOpenvzConfFormat(const vkOpenvzConf *conf)
{
    GString *buf = g_string_new(NULL);

    for (guint i = 0; i < conf->lines->len; i++) {
        g_string_append(buf, conf->lines->pdata[i]);
        g_string_append_c(buf, '\n');
    }
    return g_string_free(buf, FALSE);
}

int
vkOpenvzNameToCtid(const char *name)
{
    guint64 v;

    if (!name || !g_ascii_string_to_unsigned(name, 10, VK_OPENVZ_MIN_CTID,
                                             VK_OPENVZ_MAX_CTID, &v, NULL)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "OpenVZ container name '%s' must be its numeric CT ID "
                      "(%d to %d)", name ? name : "", VK_OPENVZ_MIN_CTID,
                      VK_OPENVZ_MAX_CTID);
        return -1;
    }
    return (int)v;
}

/* "barrier:limit" -> the limit (or the single value). */
static bool
confLimit(const vkOpenvzConf *conf, const char *key, guint64 *out)
{
    const char *v = vkOpenvzConfGet(conf, key);
    const char *colon;

    if (!v || !*v)
        return false;
    colon = strchr(v, ':');
    return g_ascii_string_to_unsigned(colon ? colon + 1 : v, 10, 0, G_MAXUINT64,
                                      out, NULL);
}

/* A stable MAC for a venet address, which has none: OpenVZ's OUI, then
 * the CT ID and the address's position. */
static void
venetMac(int ctid, unsigned int idx, char str[18])
{
    g_snprintf(str, 18, "00:18:51:%02x:%02x:%02x",
               (ctid >> 8) & 0xff, ctid & 0xff, idx & 0xff);
}

static void
appendNetif(GString *xml, const char *spec)
{
    g_auto(GStrv) kv = g_strsplit(spec, ",", -1);
    const char *ifname = NULL, *mac = NULL, *hostIf = NULL, *bridge = NULL;

    for (char **p = kv; *p; p++) {
        char *eq = strchr(*p, '=');

        if (!eq)
            continue;
        *eq = '\0';
        if (strcmp(*p, "ifname") == 0)
            ifname = eq + 1;
        else if (strcmp(*p, "mac") == 0)
            mac = eq + 1;
        else if (strcmp(*p, "host_ifname") == 0)
            hostIf = eq + 1;
        else if (strcmp(*p, "bridge") == 0)
            bridge = eq + 1;
    }
    g_string_append_printf(xml, "    <interface type='%s'>\n",
                           bridge && *bridge ? "bridge" : "ethernet");
    if (mac && *mac) {
        g_string_append(xml, "      <mac");
        vkConfAttr(xml, "address", mac);
        g_string_append(xml, "/>\n");
    }
    if (bridge && *bridge) {
        g_string_append(xml, "      <source");
        vkConfAttr(xml, "bridge", bridge);
        g_string_append(xml, "/>\n");
    }
    if (hostIf && *hostIf) {
        g_string_append(xml, "      <target");
        vkConfAttr(xml, "dev", hostIf);
        g_string_append(xml, "/>\n");
    }
    if (ifname && *ifname) {
        g_string_append(xml, "      <guest");
        vkConfAttr(xml, "dev", ifname);
        g_string_append(xml, "/>\n");
    }
    g_string_append(xml, "    </interface>\n");
}

vkDomainDef *
vkOpenvzConfToDef(int ctid, const vkOpenvzConf *conf, const unsigned char *uuid)
{
    g_autoptr(GString) xml = g_string_new(NULL);
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    guint64 pages = 0, soft = 0, hard = 0, cpus = 0;
    const char *v;

    g_string_append_printf(xml, "<domain type='openvz'>\n  <name>%d</name>\n"
                           "  <uuid>%s</uuid>\n", ctid, vkUUIDFormat(uuid, uuidstr));
    if ((v = vkOpenvzConfGet(conf, "DESCRIPTION")) && *v) {
        g_string_append(xml, "  <description>");
        vkConfEscape(xml, v);
        g_string_append(xml, "</description>\n");
    }
    /* Memory: the RAM limit (PHYSPAGES with VSwap), else the older
     * PRIVVMPAGES limit; both count 4 KiB pages. */
    if (!confLimit(conf, "PHYSPAGES", &pages) || pages == 0 || pages >= UNLIMITED_PAGES) {
        if (!confLimit(conf, "PRIVVMPAGES", &pages) || pages >= UNLIMITED_PAGES)
            pages = 0;
    }
    g_string_append_printf(xml, "  <memory unit='KiB'>%llu</memory>\n", (unsigned long long)(pages * PAGE_KIB));
    v = vkOpenvzConfGet(conf, "CPUS");
    if (!v || !g_ascii_string_to_unsigned(v, 10, 1, 4096, &cpus, NULL))
        cpus = 1;
    g_string_append_printf(xml, "  <vcpu>%llu</vcpu>\n", (unsigned long long)cpus);
    g_string_append(xml, "  <os>\n    <type>exe</type>\n    <init>/sbin/init</init>\n"
                         "  </os>\n  <devices>\n");

    if ((v = vkOpenvzConfGet(conf, "OSTEMPLATE")) && *v) {
        g_string_append(xml, "    <filesystem type='template'>\n      <source");
        vkConfAttr(xml, "name", v);
        g_string_append(xml, "/>\n      <target dir='/'/>\n");
        if ((v = vkOpenvzConfGet(conf, "DISKSPACE")) && *v) {
            /* "soft:hard" in 1 KiB blocks */
            g_auto(GStrv) sh = g_strsplit(v, ":", 2);

            if (g_ascii_string_to_unsigned(sh[0], 10, 0, G_MAXUINT64, &soft, NULL) &&
                g_ascii_string_to_unsigned(sh[1] ? sh[1] : sh[0], 10, 0, G_MAXUINT64,
                                           &hard, NULL)) {
                g_string_append_printf(xml,
                                       "      <space_hard_limit unit='KiB'>%llu"
                                       "</space_hard_limit>\n"
                                       "      <space_soft_limit unit='KiB'>%llu"
                                       "</space_soft_limit>\n", (unsigned long long)hard, (unsigned long long)soft);
            }
        }
        g_string_append(xml, "    </filesystem>\n");
    }

    if ((v = vkOpenvzConfGet(conf, "IP_ADDRESS")) && *v) {
        g_auto(GStrv) ips = g_strsplit_set(v, " \t", -1);
        unsigned int idx = 0;

        for (char **ip = ips; *ip; ip++) {
            char mac[18];

            if (!**ip)
                continue;
            venetMac(ctid, idx++, mac);
            g_string_append_printf(xml, "    <interface type='ethernet'>\n"
                                   "      <mac address='%s'/>\n      <ip", mac);
            vkConfAttr(xml, "address", *ip);
            g_string_append(xml, "/>\n    </interface>\n");
        }
    }
    if ((v = vkOpenvzConfGet(conf, "NETIF")) && *v) {
        g_auto(GStrv) ifs = g_strsplit(v, ";", -1);

        for (char **n = ifs; *n; n++) {
            if (**n)
                appendNetif(xml, *n);
        }
    }
    g_string_append(xml, "  </devices>\n</domain>\n");
    return vkDomainDefParseString(xml->str, "openvz", VK_DOMAIN_PARSE_INACTIVE);
}

const char *
vkOpenvzDefTemplate(const vkDomainDef *def)
{
    GPtrArray *fss = def->priv->devs[VK_DOMAIN_DEVICE_FS];

    for (guint i = 0; fss && i < fss->len; i++) {
        const vkDomainFSDef *fs = fss->pdata[i];

        if (strcmp(fs->type, "template") == 0)
            return fs->src;
    }
    return NULL;
}

/* <space_hard_limit unit='..'>N</...> of a filesystem, in KiB. */
static bool
fsLimit(const vkDomainFSDef *fs, const char *name, unsigned long long *kib)
{
    for (guint i = 0; fs->extra && i < fs->extra->len; i++) {
        const vkXmlElem *e = fs->extra->pdata[i];

        if (strcmp(e->name, name) == 0 && e->text)
            return vkConfScaleToKiB(e->text, vkXmlElemGetAttr(e, "unit"), kib) == 0 ||
                   (vkConfScaleToKiB(e->text, "bytes", kib) == 0);
    }
    return false;
}

static bool
checkSupported(const vkDomainDef *def)
{
    GPtrArray *fss = def->priv->devs[VK_DOMAIN_DEVICE_FS];

    if (g_strcmp0(def->osType, "exe") != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "OpenVZ container '%s' needs <os><type>exe</type>, not '%s'",
                      def->name, def->osType ? def->osType : "");
        return false;
    }
    if (vkDomainDefNumDevices(def, VK_DOMAIN_DEVICE_DISK) > 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "OpenVZ container '%s' cannot have <disk> devices; "
                      "use <filesystem type='template'>", def->name);
        return false;
    }
    for (guint i = 0; fss && i < fss->len; i++) {
        const vkDomainFSDef *fs = fss->pdata[i];

        if (strcmp(fs->type, "template") != 0 || g_strcmp0(fs->dst, "/") != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "OpenVZ container '%s' supports only one "
                          "<filesystem type='template'> with target '/', "
                          "not type '%s' at '%s'", def->name, fs->type,
                          fs->dst ? fs->dst : "");
            return false;
        }
    }
    return true;
}

GPtrArray *
vkOpenvzDefToSetArgs(const vkDomainDef *def)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *fss = def->priv->devs[VK_DOMAIN_DEVICE_FS];
    GPtrArray *nets = def->priv->devs[VK_DOMAIN_DEVICE_NET];
    unsigned int vcpus = def->vcpus ? def->vcpus : def->maxVcpus;
    unsigned int ethIdx = 0;

    if (!checkSupported(def))
        return NULL;
    if (vcpus) {
        g_ptr_array_add(args, g_strdup("--cpus"));
        g_ptr_array_add(args, g_strdup_printf("%u", vcpus));
    }
    if (def->maxMemory) {
        /* --ram takes a size with a suffix; K is KiB (vzctl(8)). */
        g_ptr_array_add(args, g_strdup("--ram"));
        g_ptr_array_add(args, g_strdup_printf("%lluK", def->maxMemory));
    }
    for (guint i = 0; fss && i < fss->len; i++) {
        unsigned long long soft, hard;
        const vkDomainFSDef *fs = fss->pdata[i];

        if (fsLimit(fs, "space_hard_limit", &hard)) {
            if (!fsLimit(fs, "space_soft_limit", &soft))
                soft = hard;
            g_ptr_array_add(args, g_strdup("--diskspace"));
            g_ptr_array_add(args, g_strdup_printf("%llu:%llu", soft, hard));
        }
    }
    for (guint i = 0; nets && i < nets->len; i++) {
        const vkDomainNetDef *net = nets->pdata[i];
        char mac[18];

        if (net->type == VK_DOMAIN_NET_TYPE_ETHERNET) {
            bool any = false;

            for (guint j = 0; net->extra && j < net->extra->len; j++) {
                const vkXmlElem *e = net->extra->pdata[j];
                const char *addr = vkXmlElemGetAttr(e, "address");

                if (strcmp(e->name, "ip") == 0 && addr) {
                    g_ptr_array_add(args, g_strdup("--ipadd"));
                    g_ptr_array_add(args, g_strdup(addr));
                    any = true;
                }
            }
            if (any)
                continue;
        } else if (net->type != VK_DOMAIN_NET_TYPE_BRIDGE) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "OpenVZ container '%s': interface type '%s' is not "
                          "supported (use 'bridge', or 'ethernet' with <ip>)",
                          def->name, vkDomainNetTypeTable[net->type]);
            return NULL;
        }
        /* A veth pair: ifname[,mac,host_ifname,host_mac[,bridge]] */
        const char *guestDev = NULL;

        for (guint j = 0; net->extra && j < net->extra->len; j++) {
            const vkXmlElem *e = net->extra->pdata[j];

            if (strcmp(e->name, "guest") == 0)
                guestDev = vkXmlElemGetAttr(e, "dev");
        }
        g_autofree char *defDev = g_strdup_printf("eth%u", ethIdx);

        vkConfMACFormat(net->mac, mac);
        g_ptr_array_add(args, g_strdup("--netif_add"));
        g_ptr_array_add(args, g_strdup_printf(
            "%s,%s,%s,,%s", guestDev ? guestDev : defDev,
            mac, net->ifname ? net->ifname : "",
            net->type == VK_DOMAIN_NET_TYPE_BRIDGE && net->source ? net->source : ""));
        ethIdx++;
    }
    return g_steal_pointer(&args);
}
