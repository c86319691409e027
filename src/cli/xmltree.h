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
    GString *text;                  /* all text directly inside, joined */
    GPtrArray *children;            /* of vkshXml */
    /* Where the text sat, for re-serialising the element as it came
     * (virsh prints a device the way libxml2 dumps it): lead is the text
     * before this element in its parent, tail the text after its last
     * child (all of it for an element without children). */
    GString *lead;
    GString *tail;
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
/* A new element with no attributes, children or text. */
vkshXml *vkshXmlNew(const char *name);
/* Adds child at index at (-1: at the end) where libxml2 would put it
 * (and virsh prints it): at the end after the parent's trailing text,
 * before a sibling with that sibling's leading text. */
void vkshXmlInsert(vkshXml *parent, vkshXml *child, int at);
/* Sets (adds or replaces) attribute name. */
void vkshXmlSetAttr(vkshXml *node, const char *name, const char *value);
/* The <disk> under tree's <devices> whose target dev or source path is
 * target, as virsh finds a disk; with cdromOrFloppy only those devices. */
vkshXml *vkshXmlFindDisk(const vkshXml *tree, const char *target, bool cdromOrFloppy);
/* The element re-serialised as libxml2 dumps a node (and virsh prints
 * it): its own whitespace kept, attributes double-quoted, no final
 * newline. */
char *vkshXmlFormat(const vkshXml *node);

#endif
