/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the input as domain XML through the public API on
 * test:///default -- virDomainDefineXML, virDomainGetXMLDesc,
 * virDomainUndefine.
 *
 * This reaches the same parser as fuzz-domain-xml but through the argument
 * checks, the test driver's name/UUID bookkeeping and the object layer.
 * Each input gets its own connection: the default test state is freed when
 * its last connection closes, so state stays bounded and every run starts
 * from the same host, and LeakSanitizer sees every object the driver kept.
 * The invariant: XML the driver hands out is XML it accepts back, with the
 * same result.
 */
#include "fuzz-common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    virSetErrorFunc(NULL, fuzzQuietError);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned int flags = VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE;
    g_autofree char *xml = fuzzStrdup(data, size);
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *live = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainPtr again;
    virDomainPtr byName;
    char uuid1[VIR_UUID_STRING_BUFLEN];
    char uuid2[VIR_UUID_STRING_BUFLEN];

    if (!(conn = virConnectOpen("test:///default")))
        fuzzFail("cannot open test:///default", virGetLastErrorMessage(), NULL);

    if (!(dom = virDomainDefineXML(conn, xml)))
        goto done;

    if (!(out1 = virDomainGetXMLDesc(dom, flags)))
        fuzzFail("GetXMLDesc failed on a domain just defined", xml,
                 virGetLastErrorMessage());
    live = virDomainGetXMLDesc(dom, 0);
    if (!live)
        fuzzFail("GetXMLDesc(0) failed on a domain just defined", xml,
                 virGetLastErrorMessage());

    if (!(byName = virDomainLookupByName(conn, virDomainGetName(dom))))
        fuzzFail("a defined domain cannot be looked up by name",
                 virDomainGetName(dom), virGetLastErrorMessage());
    if (virDomainGetUUIDString(dom, uuid1) < 0 ||
        virDomainGetUUIDString(byName, uuid2) < 0 || strcmp(uuid1, uuid2) != 0)
        fuzzFail("lookup by name found another UUID", uuid1, uuid2);
    virDomainFree(byName);

    /* Redefining what the driver gave out must work and change nothing */
    if (!(again = virDomainDefineXML(conn, out1)))
        fuzzFail("the driver refuses its own XML", out1, virGetLastErrorMessage());
    if (!(out2 = virDomainGetXMLDesc(again, flags)))
        fuzzFail("GetXMLDesc failed after redefine", out1, virGetLastErrorMessage());
    if (strcmp(out1, out2) != 0)
        fuzzFail("redefining the driver's XML changed it", out1, out2);
    virDomainFree(again);

    /* The default host's running domain stays (it becomes transient); any
     * domain the input created goes away. */
    if (virDomainUndefine(dom) < 0)
        fuzzFail("undefine of a just defined domain failed", out1,
                 virGetLastErrorMessage());
    virDomainFree(dom);

 done:
    if (virConnectClose(conn) != 0)
        fuzzFail("connection still referenced after all domains were freed",
                 NULL, NULL);
    return 0;
}
