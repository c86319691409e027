/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Disk checks libvirt makes at define that virtkit's parser, which keeps
 * <auth> and <encryption> as trees, cannot see on its own: each may be
 * given on the <disk> (the old place) or in its <source> (the new one),
 * but not in both, since libvirt would have to pick one silently.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static bool
hasChild(const GPtrArray *list, const char *name)
{
    for (guint i = 0; list && i < list->len; i++) {
        if (strcmp(((vkXmlElem *)list->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

int
vkDomainDiskSourceCheck(vkDomainDef *def)
{
    static const char *const both[] = { "auth", "encryption", NULL };
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_DISK];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainDiskDef *d = a->pdata[i];

        for (guint k = 0; both[k]; k++) {
            if (hasChild(d->extra, both[k]) && d->srcRest &&
                hasChild(d->srcRest->children, both[k])) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "an <%s> definition already found for disk source", both[k]);
                return -1;
            }
        }
    }
    return 0;
}
