/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * S-expressions as xend spoke them: atoms and parenthesised lists.
 *
 * A node is an atom (a string) or a list of nodes.  Queries walk "paths"
 * such as "domain/image/linux/kernel": each step picks, among a list's
 * children, the first list whose head atom is that name.  The value of a
 * (key value) pair is its second element.
 */
#ifndef VK_XEN_SXPR_H
#define VK_XEN_SXPR_H

#include <stdbool.h>
#include <glib.h>

/* Bounds on what the parser accepts: hostile or broken replies end in an
 * error, never in deep recursion or unbounded memory. */
#define VK_SEXPR_MAX_DEPTH 64
#define VK_SEXPR_MAX_SIZE (16 * 1024 * 1024)

typedef struct _vkSexpr vkSexpr;
struct _vkSexpr {
    char *atom;            /* non-NULL for an atom */
    GPtrArray *items;      /* vkSexpr*, for a list (atom == NULL) */
};

/* Parses exactly one expression (surrounding blanks allowed).  Atoms may
 * be bare or quoted with ' or " (backslash escapes inside quotes).
 * NULL with VIR_FROM_SEXPR / VIR_ERR_INTERNAL_ERROR naming the offset. */
vkSexpr *vkSexprParse(const char *text, size_t len);
void vkSexprFree(vkSexpr *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkSexpr, vkSexprFree)

vkSexpr *vkSexprNewList(void);
vkSexpr *vkSexprNewAtom(const char *atom);
/* Appends child (taken) to list; returns child. */
vkSexpr *vkSexprAppend(vkSexpr *list, vkSexpr *child);
/* Appends the pair (key value) to list; value NULL appends nothing. */
void vkSexprAddPair(vkSexpr *list, const char *key, const char *value);
void vkSexprAddPairFmt(vkSexpr *list, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Compact text form, atoms quoted only when they must be. */
char *vkSexprFormat(const vkSexpr *s);
void vkSexprFormatBuf(GString *buf, const vkSexpr *s);

/* The head atom of a list, or NULL. */
const char *vkSexprHead(const vkSexpr *s);
size_t vkSexprLen(const vkSexpr *s);
const vkSexpr *vkSexprItem(const vkSexpr *s, size_t i);
/* The list at path below s ("image/linux"), or NULL.  The first step is
 * matched against s's own children, not s's head. */
const vkSexpr *vkSexprLookup(const vkSexpr *s, const char *path);
/* The atom value of the pair at path ("memory" -> "256"), or NULL. */
const char *vkSexprString(const vkSexpr *s, const char *path);
/* Parses the value at path as a number; false when absent or bad. */
bool vkSexprLong(const vkSexpr *s, const char *path, long long *out);
bool vkSexprDouble(const vkSexpr *s, const char *path, double *out);

#endif
