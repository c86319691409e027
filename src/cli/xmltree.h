/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xmltree.h: a read-only element tree of an XML document the library
 * returned (xmltree.c). The shell links the public API only, so it reads
 * domain XML with GLib's GMarkup rather than libxml2. */
#ifndef VKSH_XMLTREE_H
#define VKSH_XMLTREE_H

#include <glib.h>
#include "virtkit/virtkit.h"

typedef struct _vkshXml vkshXml;
struct _vkshXml {
    char *name;
    GStrv attrNames;
    GStrv attrValues;
    GString *text;
    GPtrArray *children;            /* of vkshXml */
};

/* NULL when the document is not well-formed. */
vkshXml *vkshXmlParse(const char *doc);
void vkshXmlFree(vkshXml *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkshXml, vkshXmlFree)

/* The value of an attribute, or NULL. */
const char *vkshXmlAttr(const vkshXml *node, const char *name);
/* The first child element named name, or NULL. */
vkshXml *vkshXmlChild(const vkshXml *node, const char *name);
/* attribute attr of child element child ("target", "dev"), or NULL */
const char *vkshXmlChildAttr(const vkshXml *node, const char *child, const char *attr);
/* The elements at path "devices/disk" under node (not owned). */
GPtrArray *vkshXmlFindAll(const vkshXml *node, const char *path);
/* The domain's XML (virDomainGetXMLDesc flags) as a tree; NULL after an
 * error, reported through ctl. */
typedef struct _vkshCtl vkshCtl;
vkshXml *vkshDomainTree(vkshCtl *ctl, virDomain *dom, unsigned int flags);
/* The element re-serialised (attributes single-quoted, text escaped). */
char *vkshXmlFormat(const vkshXml *node);

#endif
