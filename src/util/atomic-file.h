/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Crash-safe file replacement: after vkAtomicFileWrite returns 0 the new
 * contents are on disk, and at any earlier instant the old file (or no
 * file) is there, never a torn mix.
 */
#ifndef VK_UTIL_ATOMIC_FILE_H
#define VK_UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

typedef enum {
    VK_ATOMIC_FILE_STEP_OPEN,      /* the temporary file is about to be created */
    VK_ATOMIC_FILE_STEP_WRITE,     /* ... written */
    VK_ATOMIC_FILE_STEP_FSYNC,     /* ... fsync'ed */
    VK_ATOMIC_FILE_STEP_RENAME,    /* ... renamed over the target */
    VK_ATOMIC_FILE_STEP_DIRSYNC,   /* the directory is about to be fsync'ed */
} vkAtomicFileStep;

/* Fault injection for tests: called before each step; returning an errno
 * value makes that step fail with it (the temporary file is removed as on
 * a real failure).  A crash test can instead _exit() from the hook in a
 * forked child to model a crash at that point.  NULL (the default) in
 * production. */
typedef int (*vkAtomicFileFaultHook)(vkAtomicFileStep step, const char *path);
void vkAtomicFileSetFaultHook(vkAtomicFileFaultHook hook);

/* Replaces path with len bytes of data, file mode mode.  -1 with a system
 * error naming path on failure; path is then unchanged. */
int vkAtomicFileWrite(const char *path, const void *data, size_t len, mode_t mode);
/* The same with the error reported from errDomain (a virErrorDomain), for
 * callers whose failures libvirt attributes to a subsystem. */
int vkAtomicFileWriteFrom(int errDomain, const char *path, const void *data,
                          size_t len, mode_t mode);

/* Removes the temporary files a crashed vkAtomicFileWrite left in dir
 * (".<name>.XXXXXX" next to their target); call it where a directory of
 * atomically written files is loaded, before anything writes into it.
 * Returns how many were removed. */
int vkAtomicFileRemoveStale(const char *dir);

#endif
