/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Defines each domain XML file into one connection and records what the
 * implementation made of it: the XML it gives back, or the error it
 * refused the file with.  The same source is built against libvirtkit and
 * against libvirt, so the two implementations are compared by one program
 * (tests/corpus/compare.py reads the two result folders).
 *
 *   corpus-define URI OUTDIR FILE...
 *
 * For FILE it writes OUTDIR/NAME.xml (accepted; the persistent XML with
 * VIR_DOMAIN_XML_INACTIVE) or OUTDIR/NAME.err ("code domain\nmessage").
 * Each domain is undefined again at once, so files that share a domain
 * name do not meet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static void
quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static char *
readFile(const char *path)
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

static int
writeResult(const char *outdir, const char *file, const char *ext, const char *text)
{
    const char *base = strrchr(file, '/');
    char path[4096];
    FILE *f;

    base = base ? base + 1 : file;
    snprintf(path, sizeof(path), "%s/%.*s.%s", outdir,
             (int)(strlen(base) > 4 && strcmp(base + strlen(base) - 4, ".xml") == 0
                   ? strlen(base) - 4 : strlen(base)), base, ext);
    if (!(f = fopen(path, "w")))
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void
recordError(const char *outdir, const char *file)
{
    virErrorPtr err = virGetLastError();
    char buf[8192];

    snprintf(buf, sizeof(buf), "%d %d\n%s\n", err ? err->code : -1, err ? err->domain : -1,
             err && err->message ? err->message : "(no error set)");
    writeResult(outdir, file, "err", buf);
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    int failures = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: %s URI OUTDIR FILE...\n", argv[0]);
        return 2;
    }
    virSetErrorFunc(NULL, quiet);
    /* libvirt's embedded drivers want an event loop registered. */
    if (virEventRegisterDefaultImpl() < 0) {
        fprintf(stderr, "cannot register the event loop\n");
        return 1;
    }
    if (!(conn = virConnectOpen(argv[1]))) {
        virErrorPtr err = virGetLastError();
        fprintf(stderr, "cannot open %s: %s\n", argv[1], err && err->message ? err->message : "?");
        return 1;
    }
    for (int i = 3; i < argc; i++) {
        char *xml = readFile(argv[i]);
        virDomainPtr dom;
        char *out;

        if (!xml) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            failures++;
            continue;
        }
        dom = virDomainDefineXML(conn, xml);
        free(xml);
        if (!dom) {
            recordError(argv[2], argv[i]);
            continue;
        }
        if ((out = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE))) {
            writeResult(argv[2], argv[i], "xml", out);
            free(out);
        } else {
            recordError(argv[2], argv[i]);
        }
        if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM |
                                        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                        VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) < 0 &&
            virDomainUndefine(dom) < 0) {
            fprintf(stderr, "%s: cannot undefine\n", argv[i]);
            failures++;
        }
        virDomainFree(dom);
    }
    virConnectClose(conn);
    return failures ? 1 : 0;
}
