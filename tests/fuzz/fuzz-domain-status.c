/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: live status file parse -> format -> parse -> format.
 *
 * A restarted daemon reads what the previous one wrote, so whenever the
 * codec accepts a file, formatting it must give a file it accepts again,
 * with the same bytes the second time round.  Anything else is a crash
 * for libFuzzer.
 */
#include "fuzz-common.h"

#include "conf/domain-status.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    virSetErrorFunc(NULL, fuzzQuietError);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzzStrdup(data, size);
    g_autoptr(vkDomainDef) def1 = NULL;
    g_autoptr(vkDomainDef) def2 = NULL;
    g_autoptr(vkDomainStatus) st1 = NULL;
    g_autoptr(vkDomainStatus) st2 = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;

    if (!(st1 = vkDomainStatusParse(text, NULL, &def1)))
        return 0;
    if (!(out1 = vkDomainStatusFormat(st1, def1))) {
        /* only a value XML cannot carry is refused, and parsing never
         * yields one */
        virErrorPtr err = virGetLastError();
        fuzzFail("a parsed status does not format", text,
                 err && err->message ? err->message : "?");
    }
    if (!(st2 = vkDomainStatusParse(out1, NULL, &def2))) {
        virErrorPtr err = virGetLastError();
        fuzzFail("formatted status does not parse again",
                 out1, err && err->message ? err->message : "?");
    }
    if (!(out2 = vkDomainStatusFormat(st2, def2)))
        fuzzFail("second format failed", out1, NULL);
    if (strcmp(out1, out2) != 0)
        fuzzFail("format(parse(format(status))) differs from format(status)", out1, out2);
    return 0;
}
