/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: domain XML parse -> format -> parse -> format.
 *
 * Whenever the first parse accepts a document, formatting it must give a
 * document the parser accepts again, and from then on the output is a
 * fixed point: formatting the third definition gives the second's bytes.
 * (The first round may still move things, as libvirt's does: its implicit
 * controllers are appended after the sort of the explicit ones, so a second
 * define sorts them in.)  A copy of the definition must format identically
 * too (vkDomainDefCopy forgetting a field shows up here).  Anything else is
 * a crash for libFuzzer.
 */
#include "fuzz-common.h"

#include "conf/domain-conf.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    virSetErrorFunc(NULL, fuzzQuietError);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzzStrdup(data, size);
    g_autoptr(vkDomainDef) def1 = NULL;
    g_autoptr(vkDomainDef) def2 = NULL;
    g_autoptr(vkDomainDef) def3 = NULL;
    g_autoptr(vkDomainDef) copy = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *out3 = NULL;
    g_autofree char *outCopy = NULL;
    g_autofree char *outInactive = NULL;
    g_autofree char *outPublic = NULL;

    if (!(def1 = vkDomainDefParseString(xml, NULL, 0)))
        return 0;

    /* SECURE keeps passwords, so nothing is lost between the rounds */
    if (!(out1 = vkDomainDefFormat(def1, VIR_DOMAIN_XML_SECURE)))
        fuzzFail("first format failed on a parsed definition", xml, NULL);
    if (!(def2 = vkDomainDefParseString(out1, NULL, 0))) {
        virErrorPtr err = virGetLastError();
        fuzzFail("formatted XML does not parse again",
                 out1, err && err->message ? err->message : "?");
    }
    if (!(out2 = vkDomainDefFormat(def2, VIR_DOMAIN_XML_SECURE)))
        fuzzFail("second format failed", out1, NULL);
    if (!(def3 = vkDomainDefParseString(out2, NULL, 0)) ||
        !(out3 = vkDomainDefFormat(def3, VIR_DOMAIN_XML_SECURE)))
        fuzzFail("the second formatted XML does not parse and format again", out2, NULL);
    if (strcmp(out2, out3) != 0)
        fuzzFail("format(parse(x)) is not a fixed point after one round", out2, out3);

    copy = vkDomainDefCopy(def2);
    outCopy = vkDomainDefFormat(copy, VIR_DOMAIN_XML_SECURE);
    if (!outCopy || strcmp(out2, outCopy) != 0)
        fuzzFail("a copy of the definition formats differently", out2, outCopy);

    /* The other format variants only need not to crash or leak */
    outInactive = vkDomainDefFormat(def1, VIR_DOMAIN_XML_INACTIVE);
    outPublic = vkDomainDefFormat(def1, 0);
    if (!outInactive || !outPublic)
        fuzzFail("inactive or public format failed", out1, NULL);
    return 0;
}
