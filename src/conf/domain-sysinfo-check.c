/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two facts of an SMBIOS <sysinfo> libvirt reads rather than passes
 * through: the system UUID, which is the domain's own (a definition
 * without <uuid> takes it, one with a different <uuid> is refused), and
 * the BIOS date, which firmware expects as mm/dd/yy or mm/dd/yyyy.
 * Everything else in <sysinfo> stays a kept tree written back unchanged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

/* The text of <sysinfo><section><entry name='name'>, or NULL. */
static const char *
entryText(const vkXmlElem *sysinfo, const char *section, const char *name)
{
    const vkXmlElem *s = vkXmlElemChild(sysinfo, section);

    for (guint i = 0; s && s->children && i < s->children->len; i++) {
        const vkXmlElem *e = s->children->pdata[i];
        if (strcmp(e->name, "entry") == 0 && g_strcmp0(vkXmlElemGetAttr(e, "name"), name) == 0)
            return e->text;
    }
    return NULL;
}

/* A decimal int as libvirt's number reader takes it (leading blanks and
 * a sign allowed), ending at *end. */
static bool
readInt(const char *s, char **end, int *out)
{
    long v;

    errno = 0;
    v = strtol(s, end, 10);
    if (errno || *end == s || v < G_MININT || v > G_MAXINT)
        return false;
    *out = (int)v;
    return true;
}

/* mm/dd/yy (19yy) or mm/dd/yyyy from 1900 on. */
static bool
dateValid(const char *date)
{
    char *p;
    int month, day, year;

    if (!readInt(date, &p, &month) || *p != '/' ||
        !readInt(p + 1, &p, &day) || *p != '/' ||
        !readInt(p + 1, &p, &year) || *p)
        return false;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
           year >= 0 && (year < 100 || year >= 1900);
}

int
vkDomainSysinfoCheck(vkDomainDef *def, bool haveUUID)
{
    GPtrArray *top = def->priv->topExtra;
    bool uuidSet = haveUUID;

    for (guint i = 0; top && i < top->len; i++) {
        const vkXmlElem *s = top->pdata[i];
        const char *date, *uuid;
        unsigned char raw[VIR_UUID_BUFLEN];

        if (strcmp(s->name, "sysinfo") != 0 ||
            g_strcmp0(vkXmlElemGetAttr(s, "type"), "smbios") != 0)
            continue;
        if ((date = entryText(s, "bios", "date")) && !dateValid(date)) {
            vkReportError(VIR_ERR_XML_DETAIL, "%s", "Invalid BIOS 'date' format");
            return -1;
        }
        if (!(uuid = entryText(s, "system", "uuid")))
            continue;
        if (vkUUIDParse(uuid, raw) < 0) {
            vkReportError(VIR_ERR_XML_DETAIL, "%s", "malformed <sysinfo> uuid element");
            return -1;
        }
        if (!uuidSet) {
            memcpy(def->uuid, raw, VIR_UUID_BUFLEN);
            uuidSet = true;
        } else if (memcmp(def->uuid, raw, VIR_UUID_BUFLEN) != 0) {
            vkReportError(VIR_ERR_XML_DETAIL, "%s", "UUID mismatch between <uuid> and <sysinfo>");
            return -1;
        }
    }
    if (!uuidSet)
        vkUUIDGenerate(def->uuid);
    return 0;
}
