/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The persistent objects of a stateful driver on disk: one config file
 * per object (CONFIGDIR/<name>.xml) and one autostart link per object
 * that starts with the driver (CONFIGDIR/autostart/<name>.xml ->
 * ../<name>.xml), whatever the object is: a domain, a storage pool, a
 * network, a secret.
 *
 * The idea: configs are written with vkAtomicFileWrite before the driver
 * changes its objects in memory, so a define that returned success
 * survives a crash at any instant and one that failed leaves disk and
 * memory as they were.  The object type plugs in through a
 * vkStateConfigOps (parse, format, name, add to the driver's list).
 */
#ifndef VK_CORE_STATE_CONFIG_H
#define VK_CORE_STATE_CONFIG_H

#include <stdbool.h>
#include <glib.h>

typedef struct {
    const char *label;          /* "QEMU driver": prefixes load warnings */
    /* One config file's text -> a definition; NULL with the error set. */
    void *(*parse)(const char *xml, void *opaque);
    /* The definition as stored (inactive, secrets included); NULL with
     * the error set. */
    char *(*format)(const void *def);
    const char *(*name)(const void *def);
    GDestroyNotify defFree;
    /* Adds a loaded definition to the driver's objects, taking *def
     * (set NULL) on success; returns the object, or NULL with the error
     * set.  Called with the driver's lock held when the driver needs it. */
    void *(*add)(void *opaque, void **def);
    /* Optional: the object had an autostart link at load. */
    void (*setAutostart)(void *opaque, void *obj);
} vkStateConfigOps;

/* DIR/<name>.xml */
char *vkStateConfigPath(const char *dir, const char *name);
/* Writes def to DIR/<name>.xml, atomically. */
int vkStateConfigSave(const vkStateConfigOps *ops, const char *dir, const void *def);
/* Removes DIR/<name>.xml (absent is fine); -1 with a system error in errdom. */
int vkStateConfigDelete(const char *dir, const char *name, int errdom);
/* Loads every DIR/\*.xml through ops (after removing the temporaries a
 * crash left); a file that does not parse or clashes is skipped with a
 * warning, so one bad file hides no other object.  autostartDir may be
 * NULL. */
void vkStateConfigLoadAll(const vkStateConfigOps *ops, const char *dir,
                          const char *autostartDir, void *opaque);

/* Whether AUTOSTARTDIR/<name>.xml is a link. */
bool vkStateAutostartGet(const char *autostartDir, const char *name);
/* Creates or removes the link; false with a system error in errdom. */
bool vkStateAutostartSet(const char *autostartDir, const char *name, bool on, int errdom);

#endif
