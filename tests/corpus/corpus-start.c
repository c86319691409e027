/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starts each domain XML file for real through one connection and records
 * what happened: OUTDIR/NAME.ok when the guest ran (it is destroyed at
 * once), OUTDIR/NAME.err ("code domain\nmessage") when the start was
 * refused.  A domain of type 'kvm' is started as 'qemu' (TCG), since
 * machines of this kind may have no /dev/kvm; nothing else is changed.
 *
 *   corpus-start URI OUTDIR FILE...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corpus-files.h"

/* The root element's type='kvm' becomes type='qemu' (same length + 1). */
static char *
asTCG(const char *xml)
{
    const char *root = strstr(xml, "<domain");
    const char *end = root ? strchr(root, '>') : NULL;
    const char *kvm = root ? strstr(root, "type='kvm'") : NULL;
    char *out;

    if (!kvm || kvm > end)
        kvm = root ? strstr(root, "type=\"kvm\"") : NULL;
    if (!kvm || kvm > end)
        return strdup(xml);
    out = malloc(strlen(xml) + 2);
    if (!out)
        return NULL;
    memcpy(out, xml, (size_t)(kvm - xml));
    sprintf(out + (kvm - xml), "type='qemu'%s", kvm + strlen("type='kvm'"));
    return out;
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    int failures = 0;

    if (!(conn = corpusOpen(argc, argv, &failures)))
        return failures;
    for (int i = 3; i < argc; i++) {
        char *xml = corpusReadFile(argv[i]);
        char *tcg = xml ? asTCG(xml) : NULL;
        virDomainPtr dom;

        free(xml);
        if (!tcg) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            failures++;
            continue;
        }
        dom = virDomainCreateXML(conn, tcg, 0);
        free(tcg);
        if (!dom) {
            corpusRecordError(argv[2], argv[i]);
            continue;
        }
        corpusWriteResult(argv[2], argv[i], "ok", "running\n");
        if (virDomainDestroy(dom) < 0) {
            fprintf(stderr, "%s: cannot destroy\n", argv[i]);
            failures++;
        }
        virDomainFree(dom);
    }
    virConnectClose(conn);
    return failures ? 1 : 0;
}
