/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain names: what is accepted, and how host-side names derive from them.
 *
 * The one idea: never refuse more than libvirt does (people have guests
 * called "." or "-"), and never let a name reach the host as a path
 * component on its own.  Files always get an extension after the name;
 * cgroup leaves get an escaped name and a suffix.  See domain-name.h.
 */
#include <string.h>

#include "conf/domain-name.h"
#include "util/atomic-file.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

/* A cgroup directory name is one path component: at most NAME_MAX bytes. */
#define LEAF_MAX 255
/* room kept for "-" + hash when a name is too long to be kept whole */
#define LEAF_HASH_HEX 16

int
vkDomainNameCheck(const char *name)
{
    if (!name || !*name) {
        vkReportError(VIR_ERR_NO_NAME, "%s", "missing name information");
        return -1;
    }
    if (strchr(name, '\n')) {
        /* libvirt reports this from its XML helpers */
        vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_DETAIL, __FILE__, __func__,
                          __LINE__, "invalid char in name: \\n");
        return -1;
    }
    if (strchr(name, '/')) {
        vkReportError(VIR_ERR_XML_ERROR, "name %s cannot contain '/'", name);
        return -1;
    }
    return 0;
}

int
vkDomainRenameCheck(const char *oldName, const char *newName)
{
    if (!newName || !*newName) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "string new_name in virDomainRename must not be empty");
        return -1;
    }
    if (strcmp(oldName, newName) == 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "Can't rename domain to itself");
        return -1;
    }
    return vkDomainNameCheck(newName);
}

char *
vkDomainNameFile(const char *dir, const char *name, const char *ext)
{
    g_autofree char *file = NULL;

    g_return_val_if_fail(ext && *ext, NULL);
    if (vkDomainNameCheck(name) < 0)
        return NULL;
    file = g_strconcat(name, ext, NULL);
    return g_build_filename(dir, file, NULL);
}

char *
vkDomainNameCgroupLeaf(const char *name, const char *suffix)
{
    GString *leaf = g_string_new(NULL);
    size_t keep = LEAF_MAX - strlen(suffix);

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            g_string_append_printf(leaf, "\\x%02x", *p);
        else
            g_string_append_c(leaf, (char)*p);
    }
    if (leaf->len > keep) {
        /* Cut, then a hash of the whole name keeps long names apart (two
         * would need the same SHA-256 prefix to meet). */
        g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                                             name, -1);

        g_string_truncate(leaf, keep - 1 - LEAF_HASH_HEX);
        g_string_append_c(leaf, '-');
        g_string_append_len(leaf, sum, LEAF_HASH_HEX);
    }
    g_string_append(leaf, suffix);
    return g_string_free(leaf, FALSE);
}

char *
vkDomainNameURISegment(const char *name)
{
    g_autofree char *esc = g_uri_escape_string(name, NULL, FALSE);
    GString *out = g_string_sized_new(strlen(esc));

    for (const char *p = esc; *p; p++) {
        if (*p == '.')
            g_string_append(out, "%2E");
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

int
vkDomainDefSaveConfig(const char *dir, const vkDomainDef *def)
{
    g_autofree char *path = vkDomainNameFile(dir, def->name, ".xml");
    g_autofree char *xml = NULL;

    if (!path)
        return -1;
    xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE);
    if (!xml)
        return -1;
    return vkAtomicFileWriteFrom(VIR_FROM_XML, path, xml, strlen(xml), 0600);
}
