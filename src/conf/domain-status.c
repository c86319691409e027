/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live status file <-> vkDomainStatus + the live vkDomainDef.
 *
 * This is what a restarted daemon trusts to find its running guests, so
 * the formatter never writes what the parser could not read back: every
 * value is escaped, newlines and tabs included (an attribute's literal
 * newline would come back as a space), and a value XML 1.0 cannot carry
 * at all (a control character, bad UTF-8) fails the write, where a
 * caller can still report it, instead of the reattach later.  The parser
 * goes through the guarded reader (vkConfReadXMLLimit), so a status file
 * gets the same defences as a domain document.
 *
 * Files written before this codec (no version attribute) are read too.
 * Their head was printf'd on the first line, integers first and one path
 * last (monitor= for QEMU, cgroup= for LXC) without escaping; that path
 * is re-escaped before parsing (legacyRepair).  LXC called the pid it
 * watches "supervisor", and its other integers (init, cstate) become
 * int extras, which is where the LXC driver now keeps them.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"
#include "conf/domain-status.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

#define VK_DOMAIN_STATUS_VERSION 1
#define KEY_MAX 64

typedef struct {
    char *key;
    bool isInt;
    long long num;
    char *str;
} statusExtra;

static void
extraFree(statusExtra *e)
{
    g_free(e->key);
    g_free(e->str);
    g_free(e);
}

vkDomainStatus *
vkDomainStatusNew(void)
{
    vkDomainStatus *s = g_new0(vkDomainStatus, 1);

    s->id = -1;
    s->extras = g_ptr_array_new_with_free_func((GDestroyNotify)extraFree);
    return s;
}

void
vkDomainStatusFree(vkDomainStatus *status)
{
    if (!status)
        return;
    g_free(status->monitor);
    g_free(status->cgroup);
    g_ptr_array_unref(status->extras);
    g_free(status);
}

static statusExtra *
findExtra(const vkDomainStatus *s, const char *key)
{
    for (guint i = 0; i < s->extras->len; i++) {
        statusExtra *e = s->extras->pdata[i];

        if (strcmp(e->key, key) == 0)
            return e;
    }
    return NULL;
}

/* The existing pair for key, emptied, or a new one at the end. */
static statusExtra *
takeExtra(vkDomainStatus *s, const char *key)
{
    statusExtra *e = findExtra(s, key);

    if (e) {
        g_clear_pointer(&e->str, g_free);
        return e;
    }
    e = g_new0(statusExtra, 1);
    e->key = g_strdup(key);
    g_ptr_array_add(s->extras, e);
    return e;
}

void
vkDomainStatusSetInt(vkDomainStatus *status, const char *key, long long value)
{
    statusExtra *e = takeExtra(status, key);

    e->isInt = true;
    e->num = value;
}

void
vkDomainStatusSetString(vkDomainStatus *status, const char *key, const char *value)
{
    statusExtra *e = takeExtra(status, key);

    e->isInt = false;
    e->str = g_strdup(value ? value : "");
}

int
vkDomainStatusGetInt(const vkDomainStatus *status, const char *key, long long *value)
{
    statusExtra *e = findExtra(status, key);

    if (!e)
        return 0;
    if (!e->isInt) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "status value '%s' is a string, not an integer", key);
        return -1;
    }
    *value = e->num;
    return 1;
}

const char *
vkDomainStatusGetString(const vkDomainStatus *status, const char *key)
{
    statusExtra *e = findExtra(status, key);

    return e && !e->isInt ? e->str : NULL;
}

static bool
keyValid(const char *key)
{
    size_t n = strlen(key);

    return n > 0 && n <= KEY_MAX && strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* ---- formatting ---- */

/* Appends s escaped for an attribute or text; false when XML 1.0 cannot
 * represent it. */
static bool
appendEscaped(GString *buf, const char *s)
{
    if (!g_utf8_validate(s, -1, NULL))
        return false;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        switch (c) {
        case '<': g_string_append(buf, "&lt;"); break;
        case '>': g_string_append(buf, "&gt;"); break;
        case '&': g_string_append(buf, "&amp;"); break;
        case '\'': g_string_append(buf, "&apos;"); break;
        case '"': g_string_append(buf, "&quot;"); break;
        case '\t': g_string_append(buf, "&#9;"); break;
        case '\n': g_string_append(buf, "&#10;"); break;
        case '\r': g_string_append(buf, "&#13;"); break;
        default:
            if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
                return false;
            g_string_append_len(buf, p, g_utf8_next_char(p) - p);
        }
    }
    return true;
}

static bool
appendAttr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return true;
    g_string_append_printf(buf, " %s='", name);
    if (!appendEscaped(buf, value))
        return false;
    g_string_append_c(buf, '\'');
    return true;
}

static bool
appendExtra(GString *buf, const statusExtra *e)
{
    if (!keyValid(e->key))
        return false;
    if (e->isInt) {
        g_string_append_printf(buf, "  <extra name='%s' type='int'>%lld</extra>\n",
                               e->key, e->num);
        return true;
    }
    g_string_append_printf(buf, "  <extra name='%s' type='string'>", e->key);
    if (!appendEscaped(buf, e->str))
        return false;
    g_string_append(buf, "</extra>\n");
    return true;
}

char *
vkDomainStatusFormat(const vkDomainStatus *status, const vkDomainDef *def)
{
    g_autofree char *xml = NULL;
    GString *buf;
    const char *bad = NULL;

    if (status->pid <= 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "cannot record status of domain '%s' without a pid", def->name);
        return NULL;
    }
    if (!(xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE)))
        return NULL;
    buf = g_string_sized_new(strlen(xml) + 256);
    g_string_append_printf(buf, "<domstatus version='%d' state='%d' reason='%d'",
                           VK_DOMAIN_STATUS_VERSION, status->state, status->reason);
    if (status->id >= 0)
        g_string_append_printf(buf, " id='%d'", status->id);
    g_string_append_printf(buf, " pid='%d'", status->pid);
    if (!appendAttr(buf, "monitor", status->monitor))
        bad = "monitor path";
    else if (!appendAttr(buf, "cgroup", status->cgroup))
        bad = "cgroup path";
    g_string_append(buf, ">\n");
    for (guint i = 0; !bad && i < status->extras->len; i++) {
        const statusExtra *e = status->extras->pdata[i];

        if (!appendExtra(buf, e))
            bad = e->key;
    }
    if (bad) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "cannot record status of domain '%s': '%s' cannot be written as XML",
                      def->name, bad);
        g_string_free(buf, TRUE);
        return NULL;
    }
    g_string_append(buf, xml);
    g_string_append(buf, "</domstatus>\n");
    if (buf->len > VK_DOMAIN_STATUS_MAX) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "status of domain '%s' is larger than the limit of %d bytes",
                      def->name, VK_DOMAIN_STATUS_MAX);
        g_string_free(buf, TRUE);
        return NULL;
    }
    return g_string_free(buf, FALSE);
}

/* ---- parsing ---- */

/* See the top of the file.  Returns the text with the legacy head's path
 * re-escaped, or NULL when text does not start with such a head. */
static char *
legacyRepair(const char *text)
{
    const char *nl = strchr(text, '\n');
    const char *p = text + strlen("<domstatus");

    if (!g_str_has_prefix(text, "<domstatus ") || !nl || nl - text < 4 ||
        strncmp(nl - 2, "'>", 2) != 0)
        return NULL;
    while (*p == ' ' && p < nl) {
        const char *name = ++p;
        size_t len;

        while (g_ascii_islower(*p))
            p++;
        len = p - name;
        if (len == 0 || strncmp(p, "='", 2) != 0)
            return NULL;
        p += 2;
        /* the value's closing quote is the head's own "'>" */
        if (p > nl - 2)
            return NULL;
        if ((len == 7 && strncmp(name, "monitor", 7) == 0) ||
            (len == 6 && strncmp(name, "cgroup", 6) == 0)) {
            g_autofree char *value = g_strndup(p, nl - 2 - p);
            GString *buf = g_string_new_len(text, p - text);

            if (!appendEscaped(buf, value)) {
                g_string_free(buf, TRUE);
                return NULL;
            }
            g_string_append(buf, nl - 2);
            return g_string_free(buf, FALSE);
        }
        if (len == 7 && strncmp(name, "version", 7) == 0)
            return NULL;
        if (*p == '-')
            p++;
        if (!g_ascii_isdigit(*p))
            return NULL;
        while (g_ascii_isdigit(*p))
            p++;
        if (*p++ != '\'')
            return NULL;
    }
    return NULL;
}

static bool
parseLL(const char *s, long long min, long long max, long long *out)
{
    gint64 v;

    if (!s || !g_ascii_string_to_signed(s, 10, min, max, &v, NULL))
        return false;
    *out = v;
    return true;
}

/* An integer attribute of <domstatus>: 1 set, 0 absent, -1 reported. */
static int
intAttr(xmlNodePtr root, const char *name, long long min, long long max, int *out)
{
    const char *v = vkXmlAttr(root, name);
    long long n;

    if (!v)
        return 0;
    if (!parseLL(v, min, max, &n)) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid value '%s' for attribute '%s' of <domstatus>", v, name);
        return -1;
    }
    *out = (int)n;
    return 1;
}

static const char *const knownAttrs[] = {
    "version", "state", "reason", "id", "pid", "monitor", "cgroup", NULL,
};

/* A file without version: LXC's pid was "supervisor", other integers
 * are driver extras. */
static int
parseLegacyAttrs(vkDomainStatus *s, xmlNodePtr root)
{
    for (xmlAttrPtr a = root->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        const char *v = vkXmlAttr(root, name);
        long long n;

        if (g_strv_contains(knownAttrs, name) || !keyValid(name))
            continue;
        if (strcmp(name, "supervisor") == 0) {
            if (s->pid == 0 && intAttr(root, name, 1, G_MAXINT, &s->pid) < 0)
                return -1;
        } else if (parseLL(v, G_MININT64, G_MAXINT64, &n)) {
            vkDomainStatusSetInt(s, name, n);
        } else {
            vkDomainStatusSetString(s, name, v);
        }
    }
    return 0;
}

static int
parseExtra(vkDomainStatus *s, xmlNodePtr node)
{
    const char *key = vkXmlAttr(node, "name");
    const char *type = vkXmlAttr(node, "type");
    g_autofree char *text = vkXmlText(node);
    long long n;

    if (!key || !keyValid(key)) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid name '%s' of <extra> in <domstatus>",
                      key ? key : "");
        return -1;
    }
    if (findExtra(s, key)) {
        vkReportError(VIR_ERR_XML_DETAIL, "<extra name='%s'> given twice in <domstatus>",
                      key);
        return -1;
    }
    if (g_strcmp0(type, "int") == 0) {
        if (!parseLL(text, G_MININT64, G_MAXINT64, &n)) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "invalid integer '%s' in <extra name='%s'> of <domstatus>",
                          text ? text : "", key);
            return -1;
        }
        vkDomainStatusSetInt(s, key, n);
    } else if (g_strcmp0(type, "string") == 0) {
        vkDomainStatusSetString(s, key, text);
    }
    /* another type is a newer writer's: skipped like an unknown element */
    return 0;
}

static vkDomainStatus *
parseRoot(xmlNodePtr root, xmlNodePtr *domain)
{
    g_autoptr(vkDomainStatus) s = vkDomainStatusNew();
    int version = 0;
    int r;

    if (strcmp((const char *)root->name, "domstatus") != 0) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "unexpected root element <%s>, expecting <domstatus>", root->name);
        return NULL;
    }
    if (intAttr(root, "version", 0, G_MAXINT, &version) < 0)
        return NULL;
    if (version > VK_DOMAIN_STATUS_VERSION) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "status file version %d is newer than this reader's (%d)",
                      version, VK_DOMAIN_STATUS_VERSION);
        return NULL;
    }
    if ((r = intAttr(root, "state", 0, VIR_DOMAIN_LAST - 1, &s->state)) <= 0) {
        if (r == 0)
            vkReportError(VIR_ERR_XML_ERROR, "%s", "missing state in <domstatus>");
        return NULL;
    }
    if (intAttr(root, "reason", 0, G_MAXINT, &s->reason) < 0 ||
        intAttr(root, "id", -1, G_MAXINT, &s->id) < 0 ||
        intAttr(root, "pid", 1, G_MAXINT, &s->pid) < 0)
        return NULL;
    if (version == 0 && parseLegacyAttrs(s, root) < 0)
        return NULL;
    if (s->pid == 0) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing pid in <domstatus>");
        return NULL;
    }
    s->monitor = g_strdup(vkXmlAttr(root, "monitor"));
    s->cgroup = g_strdup(vkXmlAttr(root, "cgroup"));

    *domain = NULL;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "extra") == 0) {
            if (parseExtra(s, n) < 0)
                return NULL;
        } else if (strcmp((const char *)n->name, "domain") == 0) {
            if (*domain) {
                vkReportError(VIR_ERR_XML_ERROR, "%s", "two <domain> elements in <domstatus>");
                return NULL;
            }
            *domain = n;
        }
    }
    if (!*domain) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "no <domain> in <domstatus>");
        return NULL;
    }
    return g_steal_pointer(&s);
}

vkDomainStatus *
vkDomainStatusParse(const char *text, const char *virtType, vkDomainDef **def)
{
    g_autofree char *repaired = NULL;
    g_autoptr(vkDomainStatus) s = NULL;
    xmlDocPtr doc;
    xmlNodePtr domain = NULL;

    *def = NULL;
    if (text)
        repaired = legacyRepair(text);
    if (!(doc = vkConfReadXMLLimit(repaired ? repaired : text, "status", VK_DOMAIN_STATUS_MAX)))
        return NULL;
    /* Domain documents may carry a DOCTYPE (libvirt parses them); the
     * daemon never writes one into a status file, so one there means the
     * file is not the daemon's. */
    if (doc->intSubset || doc->extSubset) {
        vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                          "%s", "DOCTYPE and entity declarations are not allowed in a status file");
        xmlFreeDoc(doc);
        return NULL;
    }
    if ((s = parseRoot(xmlDocGetRootElement(doc), &domain)))
        *def = vkDomainDefParseNode(domain, virtType, 0);
    xmlFreeDoc(doc);
    if (!*def)
        return NULL;
    return g_steal_pointer(&s);
}
