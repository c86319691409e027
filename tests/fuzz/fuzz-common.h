/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared bits of the fuzz targets.  Each target defines
 * LLVMFuzzerTestOneInput; it is linked either with libFuzzer (the fuzz
 * build) or with fuzz-main.c, which replays files (the regression test that
 * runs in every build).  Invariant violations call fuzzFail(), which aborts
 * so both libFuzzer and the replay driver see a crash with the details on
 * stderr.
 */
#ifndef VK_FUZZ_COMMON_H
#define VK_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "virtkit/virtkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The parsers take C strings: the input up to its first NUL, copied so
 * ASan sees the exact end of the buffer. */
static inline char *
fuzzStrdup(const uint8_t *data, size_t size)
{
    char *s = g_malloc(size + 1);

    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static inline void
fuzzQuietError(void *opaque, virErrorPtr err)
{
}

G_GNUC_NORETURN static inline void
fuzzFail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "FUZZ INVARIANT BROKEN: %s\n--- first ---\n%s\n--- second ---\n%s\n",
            what, a ? a : "(null)", b ? b : "(null)");
    abort();
}

#endif
