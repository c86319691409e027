/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A secret's value over the wire: bytes with a size_t length, which the
 * generator has no rule for.  The daemon calls the public API like any
 * client, so a private secret's value is refused here exactly as it is
 * in-process ("secret is private"), and a read-only client never reaches
 * either call (both are 'rw').
 */
#include <string.h>
#include <strings.h>
#include <glib.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

int
vkDispatchSecretGetValue(vkServerClient *client, void *argsp, void *retp)
{
    remote_secret_get_value_args *args = argsp;
    remote_secret_get_value_ret *ret = retp;
    virSecretPtr secret;
    unsigned char *value;
    size_t len = 0;

    if (!(secret = vkRemoteGetSecret(client->conn, &args->secret)))
        return -1;
    value = virSecretGetValue(secret, &len, args->flags);
    vkSecretUnref(secret);
    if (!value)
        return -1;
    if (len > REMOTE_SECRET_VALUE_MAX) {
        explicit_bzero(value, len);
        g_free(value);
        vkReportError(VIR_ERR_RPC, "secret value of %zu bytes is over the limit of %d",
                      len, REMOTE_SECRET_VALUE_MAX);
        return -1;
    }
    /* the reply owns it now; xdr_free releases it after sending */
    ret->value.value_val = (char *)value;
    ret->value.value_len = len;
    return 0;
}

int
vkDispatchSecretSetValue(vkServerClient *client, void *argsp, void *retp)
{
    remote_secret_set_value_args *args = argsp;
    virSecretPtr secret;
    int rc;

    (void)retp;
    if (!(secret = vkRemoteGetSecret(client->conn, &args->secret)))
        return -1;
    rc = virSecretSetValue(secret, (const unsigned char *)args->value.value_val,
                           args->value.value_len, args->flags);
    vkSecretUnref(secret);
    return rc < 0 ? -1 : 0;
}
