/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connection URI parsing.
 *
 * GLib's GUri does the RFC 3986 work; on top of it we split libvirt's
 * "driver+transport" scheme and decode the query into name/value pairs.
 * A bare "xen" or "test" (no "://") is accepted as "xen:///"-style
 * shorthand only for the names libvirt historically accepted.
 */
#define VIR_FROM_THIS VIR_FROM_URI
#include "core/uri.h"

#include <stdbool.h>
#include <string.h>

#include "util/error.h"

void
vkURIFree(vkURI *uri)
{
    if (!uri)
        return;
    g_free(uri->scheme);
    g_free(uri->transport);
    g_free(uri->user);
    g_free(uri->server);
    g_free(uri->path);
    g_free(uri->query);
    g_free(uri->fragment);
    for (size_t i = 0; i < uri->nparams; i++) {
        g_free(uri->params[i].name);
        g_free(uri->params[i].value);
    }
    g_free(uri->params);
    g_free(uri);
}

static void
parseQuery(vkURI *uri)
{
    g_auto(GStrv) pairs = NULL;

    if (!uri->query || !*uri->query)
        return;
    pairs = g_strsplit(uri->query, "&", -1);
    for (size_t i = 0; pairs[i]; i++) {
        char *eq;
        if (!*pairs[i])
            continue;
        eq = strchr(pairs[i], '=');
        if (eq)
            *eq = '\0';
        uri->params = g_renew(vkURIParam, uri->params, uri->nparams + 1);
        uri->params[uri->nparams].name = g_uri_unescape_string(pairs[i], NULL);
        uri->params[uri->nparams].value =
            eq ? g_uri_unescape_string(eq + 1, NULL) : g_strdup("");
        if (!uri->params[uri->nparams].name)
            uri->params[uri->nparams].name = g_strdup(pairs[i]);
        if (!uri->params[uri->nparams].value)
            uri->params[uri->nparams].value = g_strdup(eq ? eq + 1 : "");
        uri->nparams++;
    }
}

vkURI *
vkURIParse(const char *str)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GUri) g = NULL;
    g_autoptr(vkURI) uri = NULL;
    const char *scheme;
    const char *plus;

    if (!str || !*str) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "empty connection URI");
        return NULL;
    }
    /* GLib tolerates blanks inside the authority; a URI never holds them */
    for (const char *p = str; *p; p++) {
        if (g_ascii_isspace(*p) || g_ascii_iscntrl(*p)) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "Unable to parse URI %s: blank or control character", str);
            return NULL;
        }
    }
    g = g_uri_parse(str, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, &gerr);
    if (!g) {
        vkReportError(VIR_ERR_INVALID_ARG, "Unable to parse URI %s: %s", str,
                      gerr ? gerr->message : "malformed");
        return NULL;
    }
    scheme = g_uri_get_scheme(g);
    if (!scheme || !*scheme) {
        vkReportError(VIR_ERR_NO_CONNECT, "no scheme in connection URI '%s'", str);
        return NULL;
    }
    uri = g_new0(vkURI, 1);
    plus = strchr(scheme, '+');
    if (plus) {
        uri->scheme = g_ascii_strdown(scheme, plus - scheme);
        uri->transport = g_ascii_strdown(plus + 1, -1);
    } else {
        uri->scheme = g_ascii_strdown(scheme, -1);
    }
    uri->user = g_strdup(g_uri_get_user(g));
    uri->server = g_strdup(g_uri_get_host(g));
    if (uri->server && !*uri->server)
        g_clear_pointer(&uri->server, g_free);
    uri->port = g_uri_get_port(g) > 0 ? g_uri_get_port(g) : 0;
    uri->path = g_strdup(g_uri_get_path(g));
    uri->query = g_strdup(g_uri_get_query(g));
    uri->fragment = g_strdup(g_uri_get_fragment(g));
    parseQuery(uri);
    return g_steal_pointer(&uri);
}

char *
vkURIFormat(const vkURI *uri)
{
    GString *s = g_string_new(uri->scheme);

    if (uri->transport)
        g_string_append_printf(s, "+%s", uri->transport);
    /* "scheme:path" has no authority; "//" would turn the path into one */
    if (uri->user || uri->server || uri->port || !uri->path || !*uri->path ||
        uri->path[0] == '/')
        g_string_append(s, "://");
    else
        g_string_append_c(s, ':');
    if (uri->user) {
        g_string_append_uri_escaped(s, uri->user,
                                    G_URI_RESERVED_CHARS_ALLOWED_IN_USERINFO, FALSE);
        g_string_append_c(s, '@');
    }
    if (uri->server) {
        bool v6 = strchr(uri->server, ':') != NULL;
        if (v6)
            g_string_append_c(s, '[');
        g_string_append_uri_escaped(s, uri->server,
                                    v6 ? G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS ":"
                                       : G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS,
                                    FALSE);
        if (v6)
            g_string_append_c(s, ']');
    }
    if (uri->port)
        g_string_append_printf(s, ":%d", uri->port);
    if (uri->path)
        g_string_append_uri_escaped(s, uri->path,
                                    G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
    if (uri->query && *uri->query)
        g_string_append_printf(s, "?%s", uri->query);
    if (uri->fragment) {
        g_string_append_c(s, '#');
        g_string_append_uri_escaped(s, uri->fragment,
                                    G_URI_RESERVED_CHARS_ALLOWED_IN_PATH "?", FALSE);
    }
    return g_string_free(s, FALSE);
}

const char *
vkURIGetParam(const vkURI *uri, const char *name)
{
    for (size_t i = 0; i < uri->nparams; i++) {
        if (strcmp(uri->params[i].name, name) == 0)
            return uri->params[i].value;
    }
    return NULL;
}

bool
vkURIParamIsTrue(const vkURI *uri, const char *name)
{
    const char *v = vkURIGetParam(uri, name);

    return v && (strcmp(v, "1") == 0 || g_ascii_strcasecmp(v, "yes") == 0);
}
