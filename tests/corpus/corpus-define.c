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

#include "corpus-files.h"

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    int failures = 0;

    if (!(conn = corpusOpen(argc, argv, &failures)))
        return failures;
    for (int i = 3; i < argc; i++) {
        char *xml = corpusReadFile(argv[i]);
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
            corpusRecordError(argv[2], argv[i]);
            continue;
        }
        if ((out = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE))) {
            corpusWriteResult(argv[2], argv[i], "xml", out);
            free(out);
        } else {
            corpusRecordError(argv[2], argv[i]);
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
