/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What corpus-define and corpus-start share: reading an input, naming
 * its result file, and an error handler that keeps libvirt quiet. */
#ifndef CORPUS_FILES_H
#define CORPUS_FILES_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* The whole file, NUL-terminated (free()), or NULL with errno set. */
char *corpusReadFile(const char *path);
/* Writes text to OUTDIR/NAME.EXT, NAME being file's base name less .xml;
 * 0 or -1. */
int corpusWriteResult(const char *outdir, const char *file, const char *ext, const char *text);
/* OUTDIR/NAME.err: "code domain\nmessage" of the last error. */
void corpusRecordError(const char *outdir, const char *file);
void corpusQuiet(void *opaque, virErrorPtr err);
/* The preamble both programs share: checks "PROG URI OUTDIR FILE...",
 * silences the error printer, registers the event loop (libvirt's
 * embedded drivers want one) and opens URI.  NULL after printing why;
 * *status is then main()'s exit code (2 usage, 1 failure). */
virConnectPtr corpusOpen(int argc, char **argv, int *status);

#endif
