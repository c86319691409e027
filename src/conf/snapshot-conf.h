/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <domainsnapshot> XML <-> vkSnapshotDef, and the snapshot tree drivers keep.
 *
 * A snapshot definition is what libvirt's snapshot XML says: name,
 * description, state at the time, parent, creation time, where memory and
 * each disk went, and the domain definition as it was.  The tree
 * (vkSnapshotList) is the per-domain set of definitions with the parent
 * links and the "current" mark; drivers keep one per domain and ask it the
 * list/children/filter questions, so the flag semantics of the list calls
 * live in one place.
 */
#ifndef VK_CONF_SNAPSHOT_CONF_H
#define VK_CONF_SNAPSHOT_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "conf/domain-conf.h"

typedef struct {
    char *name;          /* the domain disk's target (vda) */
    char *snapshot;      /* "no", "internal", "external", "manual"; NULL: default */
    char *file;          /* external: the new overlay's path */
    char *driverType;    /* external: its format (qcow2) */
} vkSnapshotDiskDef;

typedef struct {
    char *name;
    char *description;
    char *state;         /* a virDomainState name, or "disk-snapshot" */
    char *parent;        /* parent snapshot's name, NULL for a root */
    long long creationTime;
    char *memory;        /* <memory snapshot=''/>: "no", "internal", "external" */
    char *memoryFile;
    GPtrArray *disks;    /* vkSnapshotDiskDef* */
    vkDomainDef *dom;    /* the domain as it was; NULL only while parsing */
    bool active;         /* <active>: the domain ran (metadata files only) */
} vkSnapshotDef;

typedef enum {
    VK_SNAPSHOT_PARSE_REDEFINE = 1 << 0,   /* accept state/parent/time/domain */
    VK_SNAPSHOT_PARSE_INTERNAL = 1 << 1,   /* metadata file: also <active> */
    VK_SNAPSHOT_PARSE_DISKS = 1 << 2,      /* disk-only snapshot requested */
} vkSnapshotParseFlags;

typedef enum {
    VK_SNAPSHOT_FORMAT_SECURE = 1 << 0,
    VK_SNAPSHOT_FORMAT_INTERNAL = 1 << 1,  /* write <active> */
} vkSnapshotFormatFlags;

/* Parses <domainsnapshot>; virtType as for vkDomainDefParseString (the
 * embedded domain).  Errors: VIR_ERR_XML_ERROR / XML_DETAIL for bad
 * documents, VIR_ERR_CONFIG_UNSUPPORTED naming an element virtkit does not
 * know. */
vkSnapshotDef *vkSnapshotDefParseString(const char *xml, const char *virtType,
                                        unsigned int flags);
char *vkSnapshotDefFormat(const vkSnapshotDef *def, unsigned int flags);
void vkSnapshotDefFree(vkSnapshotDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkSnapshotDef, vkSnapshotDefFree)

/* Fills what a new snapshot leaves implicit: the memory location and one
 * <disk> entry per domain disk, as libvirt aligns them (internal by
 * default, external for disk-only with a generated overlay name, "no" for
 * CD-ROMs and floppies).  A <disk> naming no disk of the domain is
 * VIR_ERR_CONFIG_UNSUPPORTED. */
int vkSnapshotDefAlignDisks(vkSnapshotDef *def, bool diskOnly, bool running);

/* The elements snapshots and checkpoints share: <name>, <description>,
 * <parent><name> and <creationTime> (the last two only when redefining,
 * ignored otherwise as libvirt does).  Returns 1 when c was one of them,
 * 0 when not, -1 with VIR_ERR_XML_DETAIL for a bad time.  c is an
 * xmlNodePtr (conf/domain-conf-priv.h). */
typedef struct {
    char **name;
    char **description;
    char **parent;
    long long *creationTime;
} vkMomentCommon;
struct _xmlNode;
int vkMomentParseCommon(struct _xmlNode *c, vkMomentCommon *m, bool redefine);
/* Reads a <root> document (snapshot or checkpoint) for its parser to walk
 * the root's elements; a document with another root is VIR_ERR_XML_ERROR,
 * reported in errDomain.  The caller frees it with xmlFreeDoc. */
struct _xmlDoc;
struct _xmlDoc *vkMomentReadDoc(const char *xml, const char *root, int errDomain);
/* Opens <root> and writes the shared elements in libvirt's order, with a
 * snapshot's <state> (NULL for a checkpoint) between description and parent. */
void vkMomentFormatHead(GString *buf, const char *root, const char *name,
                        const char *description, const char *state, const char *parent,
                        long long creationTime);
/* The embedded inactive <domain>, indented one level. */
void vkMomentFormatDomain(GString *buf, const vkDomainDef *dom, bool secure);

/* libvirt's API-level checks of virDomainSnapshotCreateXML flags
 * (VIR_ERR_INVALID_ARG): CURRENT needs REDEFINE; REDEFINE excludes
 * NO_METADATA, HALT and LIVE. */
int vkSnapshotCheckCreateFlags(unsigned int flags);
/* virDomainState <-> the <state> names ("disk-snapshot" is
 * VK_SNAPSHOT_STATE_DISK_SNAPSHOT). */
#define VK_SNAPSHOT_STATE_DISK_SNAPSHOT VIR_DOMAIN_LAST
const char *vkSnapshotStateName(int state);
int vkSnapshotStateFromName(const char *name);

/* ---- the per-domain tree ---- */
typedef struct _vkSnapshotList vkSnapshotList;

vkSnapshotList *vkSnapshotListNew(void);
void vkSnapshotListFree(vkSnapshotList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkSnapshotList, vkSnapshotListFree)

/* Takes def and returns it; a definition of the same name is replaced in
 * place (a redefinition), its children keep it as their parent. */
vkSnapshotDef *vkSnapshotListAdd(vkSnapshotList *list, vkSnapshotDef *def);
vkSnapshotDef *vkSnapshotListFind(vkSnapshotList *list, const char *name);
/* Removes and frees one; its children move to its parent. */
void vkSnapshotListRemove(vkSnapshotList *list, const char *name);
size_t vkSnapshotListCount(vkSnapshotList *list);
const char *vkSnapshotListCurrent(vkSnapshotList *list);
void vkSnapshotListSetCurrent(vkSnapshotList *list, const char *name);

/* Names matching virDomainSnapshotListFlags (from = NULL: the whole
 * domain, ROOTS meaning roots; else the children of from, DESCENDANTS
 * meaning all below).  Returns a NULL-terminated array (g_strfreev), in
 * creation order, or in topological order (parents first) when asked. */
char **vkSnapshotListNames(vkSnapshotList *list, const char *from, unsigned int flags);
/* The virDomainSnapshotListFlags vkSnapshotListNames understands. */
#define VK_SNAPSHOT_LIST_FLAGS \
    (VIR_DOMAIN_SNAPSHOT_LIST_ROOTS | VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL | \
     VIR_DOMAIN_SNAPSHOT_LIST_LEAVES | VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES | \
     VIR_DOMAIN_SNAPSHOT_LIST_METADATA | VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA | \
     VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE | VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE | \
     VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL | \
     VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL)
/* Copies up to max of the NULL-terminated names into out; returns how
 * many (the ListNames calls' answer). */
int vkSnapshotNamesCopy(char **names, char **out, int max);
/* All descendants of name, deepest first (safe deletion order). */
char **vkSnapshotListDescendants(vkSnapshotList *list, const char *name);
size_t vkSnapshotListNumChildren(vkSnapshotList *list, const char *name);

#endif
