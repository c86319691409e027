/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A secret's value through the remote driver: bytes with a size_t length
 * (the generator maps no such pair).  The value buffer that came off the
 * wire is wiped before it is freed; the caller gets its own copy.
 */
#include <string.h>
#include <strings.h>

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "virtkit/virtkit.h"
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-members.h"

unsigned char *
vkRemoteSecretGetValue(virSecretPtr secret, size_t *value_size, unsigned int flags)
{
    remote_secret_get_value_args args = { 0 };
    remote_secret_get_value_ret ret = { 0 };
    unsigned char *value;

    vkRemoteArgSecret(&args.secret, secret);
    args.flags = flags;
    if (vkRemoteCall(secret->conn, REMOTE_PROC_SECRET_GET_VALUE,
                     (xdrproc_t)xdr_remote_secret_get_value_args, &args,
                     (xdrproc_t)xdr_remote_secret_get_value_ret, &ret) < 0)
        return NULL;
    value = g_malloc(ret.value.value_len ? ret.value.value_len : 1);
    memcpy(value, ret.value.value_val, ret.value.value_len);
    *value_size = ret.value.value_len;
    if (ret.value.value_val)
        explicit_bzero(ret.value.value_val, ret.value.value_len);
    xdr_free((xdrproc_t)xdr_remote_secret_get_value_ret, (char *)&ret);
    return value;
}

int
vkRemoteSecretSetValue(virSecretPtr secret, const unsigned char *value, size_t value_size,
                       unsigned int flags)
{
    remote_secret_set_value_args args = { 0 };

    if (value_size > REMOTE_SECRET_VALUE_MAX) {
        vkReportError(VIR_ERR_RPC, "secret value of %zu bytes is over the limit of %d",
                      value_size, REMOTE_SECRET_VALUE_MAX);
        return -1;
    }
    vkRemoteArgSecret(&args.secret, secret);
    args.value.value_val = (char *)value;
    args.value.value_len = value_size;
    args.flags = flags;
    return vkRemoteCall(secret->conn, REMOTE_PROC_SECRET_SET_VALUE,
                        (xdrproc_t)xdr_remote_secret_set_value_args, &args,
                        VK_XDR_VOID, NULL);
}
