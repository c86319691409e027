/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connection URIs: scheme[+transport]://[user@]host[:port]/path?query.
 * "test:///default", "qemu+unix:///system?socket=/x", "xen://" ...
 */
#ifndef VK_CORE_URI_H
#define VK_CORE_URI_H

#include <stdbool.h>
#include <glib.h>

typedef struct {
    char *name;
    char *value;
} vkURIParam;

typedef struct {
    char *scheme;       /* "qemu" in "qemu+tls://h/system" */
    char *transport;    /* "tls", or NULL */
    char *user;
    char *server;       /* NULL or empty for local URIs */
    int port;           /* 0 when absent */
    char *path;         /* "/system"; "" when absent */
    char *query;        /* raw query string, or NULL */
    vkURIParam *params; /* decoded query parameters */
    size_t nparams;
    char *fragment;
} vkURI;

/* Parses str; NULL with VIR_ERR_INVALID_ARG / VIR_ERR_NO_CONNECT set when it
 * is not a URI.  The result is freed with vkURIFree. */
vkURI *vkURIParse(const char *str);
void vkURIFree(vkURI *uri);
/* Canonical text form, including "+transport" and the query. */
char *vkURIFormat(const vkURI *uri);
/* The value of query parameter name, or NULL. */
const char *vkURIGetParam(const vkURI *uri, const char *name);
/* Whether query parameter name is set to "1" or "yes" (any case), as
 * libvirt's boolean URI parameters (no_verify, no_tty) are read. */
bool vkURIParamIsTrue(const vkURI *uri, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkURI, vkURIFree)

#endif
