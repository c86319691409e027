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

/* What opens the local stream: a public call on the call's object. */
typedef vkDispatchStreamOpenFn openFn;
typedef void (*freeFn)(void *obj);

/* Opens a nonblocking local stream through fn and hands it to the
 * daemon's relay; the object fn looked up is freed with objFree. */
int
vkDispatchRelayStream(vkServerClient *client, void *args, openFn fn, freeFn objFree)
{
    virStreamPtr st = NULL;
    void *obj = NULL;
    int rv = -1;

    if (!client->openStream) {
        vkReportError(VIR_ERR_NO_SUPPORT, "%s", "this server does not relay streams");
        return -1;
    }
    /* Nonblocking: the relay runs on the daemon's event loop. */
    if (!(st = virStreamNew(client->conn, VIR_STREAM_NONBLOCK)))
        return -1;
    if (fn(client, args, st, &obj) < 0)
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

        virStreamFree(st);
        if (obj)
            objFree(obj);
        vkErrorRestore(&saved);
    }
    return rv;
}

static void
freeDomain(void *obj)
{
    virDomainFree(obj);
}

static void
freeVol(void *obj)
{
    virStorageVolFree(obj);
}

static int
openConsole(vkServerClient *client, void *argsp, virStreamPtr st, void **obj)
{
    remote_domain_open_console_args *args = argsp;
    virDomainPtr dom;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    *obj = dom;
    return virDomainOpenConsole(dom, args->dev_name ? *args->dev_name : NULL, st,
                                args->flags);
}

int
vkDispatchDomainOpenConsole(vkServerClient *client, void *argsp, void *retp)
{
    (void)retp;
    return vkDispatchRelayStream(client, argsp, openConsole, freeDomain);
}

static int
openChannel(vkServerClient *client, void *argsp, virStreamPtr st, void **obj)
{
    remote_domain_open_channel_args *args = argsp;
    virDomainPtr dom;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    *obj = dom;
    return virDomainOpenChannel(dom, args->name ? *args->name : NULL, st, args->flags);
}

int
vkDispatchDomainOpenChannel(vkServerClient *client, void *argsp, void *retp)
{
    (void)retp;
    return vkDispatchRelayStream(client, argsp, openChannel, freeDomain);
}

/* The image goes out on the stream; the reply carries its MIME type. */
typedef struct {
    remote_domain_screenshot_args *args;
    char *mime;
} screenshotCall;

static int
openScreenshot(vkServerClient *client, void *opaque, virStreamPtr st, void **obj)
{
    screenshotCall *c = opaque;
    virDomainPtr dom;

    if (!(dom = vkRemoteGetDomain(client->conn, &c->args->dom)))
        return -1;
    *obj = dom;
    c->mime = virDomainScreenshot(dom, st, c->args->screen, c->args->flags);
    return c->mime ? 0 : -1;
}

int
vkDispatchDomainScreenshot(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_screenshot_ret *ret = retp;
    screenshotCall c = { .args = argsp };

    if (vkDispatchRelayStream(client, &c, openScreenshot, freeDomain) < 0) {
        g_free(c.mime);
        return -1;
    }
    ret->mime = g_new0(char *, 1);
    *ret->mime = c.mime;
    return 0;
}

/* Upload and download share their argument layout. */
static int
openVol(vkServerClient *client, void *argsp, virStreamPtr st, void **obj, bool upload)
{
    remote_storage_vol_upload_args *args = argsp;
    virStorageVolPtr vol;

    if (!(vol = vkRemoteGetStorageVol(client->conn, &args->vol)))
        return -1;
    *obj = vol;
    if (upload)
        return virStorageVolUpload(vol, st, args->offset, args->length, args->flags);
    return virStorageVolDownload(vol, st, args->offset, args->length, args->flags);
}

static int
openUpload(vkServerClient *client, void *args, virStreamPtr st, void **obj)
{
    return openVol(client, args, st, obj, true);
}

static int
openDownload(vkServerClient *client, void *args, virStreamPtr st, void **obj)
{
    return openVol(client, args, st, obj, false);
}

int
vkDispatchStorageVolUpload(vkServerClient *client, void *argsp, void *retp)
{
    (void)retp;
    return vkDispatchRelayStream(client, argsp, openUpload, freeVol);
}

int
vkDispatchStorageVolDownload(vkServerClient *client, void *argsp, void *retp)
{
    (void)retp;
    G_STATIC_ASSERT(sizeof(remote_storage_vol_upload_args) ==
                    sizeof(remote_storage_vol_download_args));
    return vkDispatchRelayStream(client, argsp, openDownload, freeVol);
}
