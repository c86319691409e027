/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Procedures that open a stream.  The call opens a local stream through
 * the public API and hands it to the daemon (vkServerClient.openStream),
 * which relays it as STREAM packets under this call's procedure and
 * serial once the REPLY is out.
 */
#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

int
vkDispatchDomainOpenConsole(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_open_console_args *args = argsp;
    virDomainPtr dom = NULL;
    virStreamPtr st = NULL;
    int rv = -1;

    (void)retp;
    if (!client->openStream) {
        vkReportError(VIR_ERR_NO_SUPPORT, "%s", "this server does not relay streams");
        return -1;
    }
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    /* Nonblocking: the relay runs on the daemon's event loop. */
    if (!(st = virStreamNew(client->conn, VIR_STREAM_NONBLOCK)))
        goto cleanup;
    if (virDomainOpenConsole(dom, args->dev_name ? *args->dev_name : NULL, st,
                             args->flags) < 0)
        goto cleanup;
    if (client->openStream(client, st) < 0) {
        virErrorPtr saved = vkErrorSave();

        virStreamAbort(st);
        vkErrorRestore(&saved);
        goto cleanup;
    }
    rv = 0;

 cleanup:
    {
        /* the frees are API calls: they would reset the call's error */
        virErrorPtr saved = vkErrorSave();

        if (st)
            virStreamFree(st);
        virDomainFree(dom);
        vkErrorRestore(&saved);
    }
    return rv;
}
