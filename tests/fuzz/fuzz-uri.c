/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: connection URI parse -> format -> parse -> format.
 *
 * vkURIFormat is what the remote driver sends on and what
 * virConnectGetURI returns, so for any URI the parser accepts, its canonical
 * form must parse again into the same parts and format to the same bytes.
 */
#include "fuzz-common.h"

#include "core/uri.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    virSetErrorFunc(NULL, fuzzQuietError);
    return 0;
}

static const char *
orNull(const char *s)
{
    return s ? s : "(null)";
}

static void
checkSame(const char *field, const char *a, const char *b, const char *text)
{
    if (g_strcmp0(a, b) != 0) {
        g_autofree char *what = g_strdup_printf(
            "URI field %s changed after a format round trip of '%s'", field, text);
        fuzzFail(what, orNull(a), orNull(b));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *str = fuzzStrdup(data, size);
    g_autoptr(vkURI) uri1 = NULL;
    g_autoptr(vkURI) uri2 = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;

    if (!(uri1 = vkURIParse(str)))
        return 0;
    /* Lookups walk the decoded parameters */
    for (size_t i = 0; i < uri1->nparams; i++) {
        if (!vkURIGetParam(uri1, uri1->params[i].name))
            fuzzFail("a decoded query parameter cannot be looked up", str,
                     uri1->params[i].name);
    }
    (void)vkURIGetParam(uri1, "socket");

    out1 = vkURIFormat(uri1);
    if (!(uri2 = vkURIParse(out1))) {
        virErrorPtr err = virGetLastError();
        fuzzFail("formatted URI does not parse again", out1,
                 err && err->message ? err->message : str);
    }
    out2 = vkURIFormat(uri2);
    if (strcmp(out1, out2) != 0)
        fuzzFail("format(parse(format(uri))) differs from format(uri)", out1, out2);

    checkSame("scheme", uri1->scheme, uri2->scheme, out1);
    checkSame("transport", uri1->transport, uri2->transport, out1);
    checkSame("user", uri1->user, uri2->user, out1);
    checkSame("server", uri1->server, uri2->server, out1);
    checkSame("path", uri1->path, uri2->path, out1);
    /* An empty query is no query: "qemu:///system?" formats without '?' */
    checkSame("query", uri1->query && *uri1->query ? uri1->query : NULL,
              uri2->query && *uri2->query ? uri2->query : NULL, out1);
    checkSame("fragment", uri1->fragment, uri2->fragment, out1);
    if (uri1->port != uri2->port || uri1->nparams != uri2->nparams)
        fuzzFail("URI port or parameter count changed after a round trip", out1, out2);
    return 0;
}
