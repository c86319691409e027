/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus-files.h"

void
corpusQuiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

char *
corpusReadFile(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[len] = '\0';
    fclose(f);
    return buf;
}

int
corpusWriteResult(const char *outdir, const char *file, const char *ext, const char *text)
{
    const char *base = strrchr(file, '/');
    size_t n;
    char path[4096];
    FILE *f;

    base = base ? base + 1 : file;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".xml") == 0)
        n -= 4;
    snprintf(path, sizeof(path), "%s/%.*s.%s", outdir, (int)n, base, ext);
    if (!(f = fopen(path, "w")))
        return -1;
    fputs(text, f);
    return fclose(f);
}

void
corpusRecordError(const char *outdir, const char *file)
{
    virErrorPtr err = virGetLastError();
    char buf[8192];

    snprintf(buf, sizeof(buf), "%d %d\n%s\n", err ? err->code : -1, err ? err->domain : -1,
             err && err->message ? err->message : "(no error set)");
    corpusWriteResult(outdir, file, "err", buf);
}

virConnectPtr
corpusOpen(int argc, char **argv, int *status)
{
    virConnectPtr conn;
    virErrorPtr err;

    *status = 2;
    if (argc < 3) {
        fprintf(stderr, "usage: %s URI OUTDIR FILE...\n", argv[0]);
        return NULL;
    }
    *status = 1;
    virSetErrorFunc(NULL, corpusQuiet);
    if (virEventRegisterDefaultImpl() < 0) {
        fprintf(stderr, "cannot register the event loop\n");
        return NULL;
    }
    if (!(conn = virConnectOpen(argv[1]))) {
        err = virGetLastError();
        fprintf(stderr, "cannot open %s: %s\n", argv[1], err && err->message ? err->message : "?");
        return NULL;
    }
    *status = 0;
    return conn;
}
