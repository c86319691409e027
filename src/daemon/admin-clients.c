/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin program's view of a server's clients: listing, lookup by id,
 * identity (what the kernel said at accept: SO_PEERCRED, or the peer's
 * address) and forced disconnection.  The client table is the server's
 * own (srv->clients), read under its lock; a client found there is
 * referenced before the lock goes, and one that is closing is left out.
 */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netdb.h>

/* as libvirtd's server object reports them */
#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "daemon/admin-priv.h"
#include "admin_protocol.h"

static gint
byId(gconstpointer a, gconstpointer b)
{
    const vkDaemonClient *x = *(vkDaemonClient *const *)a;
    const vkDaemonClient *y = *(vkDaemonClient *const *)b;

    return x->id < y->id ? -1 : x->id > y->id;
}

/* The live clients of svc (referenced), by id; with one, only the one
 * whose id is id. */
static GPtrArray *
collect(vkDaemonService *svc, bool one, unsigned long long id)
{
    vkDaemonServer *srv = vkAdmServer();
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)vkDaemonClientUnref);
    GHashTableIter it;
    gpointer key;

    g_mutex_lock(&srv->lock);
    g_hash_table_iter_init(&it, srv->clients);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        vkDaemonClient *c = key;
        bool live;

        if (c->svc != svc || (one && c->id != id))
            continue;
        g_mutex_lock(&c->lock);
        /* refs drop to 0 only after closing: a live one is safe to ref */
        live = !c->closing;
        if (live)
            vkDaemonClientRef(c);
        g_mutex_unlock(&c->lock);
        if (live)
            g_ptr_array_add(out, c);
    }
    g_mutex_unlock(&srv->lock);
    g_ptr_array_sort(out, byId);
    return out;
}

static void
describe(vkDaemonClient *c, admin_nonnull_client *out)
{
    out->srv.name = g_strdup(c->svc->name);
    out->id = c->id;
    out->timestamp = c->connected;
    out->transport = c->transport;
}

/* The client id of server srvName, referenced; NULL with an error. */
static vkDaemonClient *
lookup(const char *srvName, unsigned long long id)
{
    vkDaemonService *svc = vkAdmLookupService(srvName);
    g_autoptr(GPtrArray) found = NULL;

    if (!svc)
        return NULL;
    found = collect(svc, true, id);
    if (found->len == 0) {
        vkReportError(VIR_ERR_NO_CLIENT, "No client with matching ID '%llu'", id);
        return NULL;
    }
    return g_ptr_array_steal_index(found, 0);
}

int
vkAdmListClients(vkDaemonClient *client, void *a, void *r)
{
    admin_server_list_clients_args *args = a;
    admin_server_list_clients_ret *ret = r;
    g_autoptr(GPtrArray) all = NULL;
    vkDaemonService *svc;
    u_int n;

    if (!vkAdmCheckFlags(args->flags, "adminServerListClients") ||
        !(svc = vkAdmLookupService(args->srv.name)))
        return -1;
    all = collect(svc, false, 0);
    n = args->need_results ? all->len : 0;     /* a yes/no, not a count */
    ret->clients.clients_val = g_new0(admin_nonnull_client, MAX(n, 1));
    for (u_int i = 0; i < n; i++)
        describe(all->pdata[i], &ret->clients.clients_val[i]);
    ret->clients.clients_len = n;
    ret->ret = all->len;
    return 0;
}

int
vkAdmLookupClient(vkDaemonClient *client, void *a, void *r)
{
    admin_server_lookup_client_args *args = a;
    admin_server_lookup_client_ret *ret = r;
    vkDaemonClient *c;

    if (!vkAdmCheckFlags(args->flags, "adminServerLookupClient") ||
        !(c = lookup(args->srv.name, args->id)))
        return -1;
    describe(c, &ret->clnt);
    vkDaemonClientUnref(c);
    return 0;
}

/* "ADDR;PORT", libvirt's form of a socket address */
static char *
peerAddress(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST];
    char port[NI_MAXSERV];

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return NULL;
    return g_strdup_printf("%s;%s", host, port);
}

static void
unixIdentity(vkDaemonClient *c, GArray *params)
{
    struct passwd pw, *pwp = NULL;
    struct group gr, *grp = NULL;
    char buf[4096];

    vkAdmParamInt(params, "unix_user_id", (int)c->pub.uid);
    if (getpwuid_r(c->pub.uid, &pw, buf, sizeof(buf), &pwp) == 0 && pwp)
        vkAdmParamString(params, "unix_user_name", pwp->pw_name);
    vkAdmParamInt(params, "unix_group_id", (int)c->gid);
    if (getgrgid_r(c->gid, &gr, buf, sizeof(buf), &grp) == 0 && grp)
        vkAdmParamString(params, "unix_group_name", grp->gr_name);
    vkAdmParamInt(params, "unix_process_id", (int)c->pub.pid);
}

int
vkAdmClientGetInfo(vkDaemonClient *client, void *a, void *r)
{
    admin_client_get_info_args *args = a;
    admin_client_get_info_ret *ret = r;
    g_autoptr(GArray) params = g_array_new(FALSE, TRUE, sizeof(admin_typed_param));
    vkDaemonClient *c;

    if (!vkAdmCheckFlags(args->flags, "adminClientGetInfo") ||
        !(c = lookup(args->clnt.srv.name, args->clnt.id)))
        return -1;
    vkAdmParamBool(params, "readonly", c->pub.readonly);
    if (c->transport == VK_CLIENT_TRANS_UNIX) {
        unixIdentity(c, params);
    } else {
        g_autofree char *addr = peerAddress(c->fd);
        if (addr)
            vkAdmParamString(params, "sock_addr", addr);
    }
    vkDaemonClientUnref(c);
    ret->params.params_len = params->len;
    ret->params.params_val = (admin_typed_param *)g_array_free(g_steal_pointer(&params), FALSE);
    return 0;
}

int
vkAdmClientClose(vkDaemonClient *client, void *a, void *r)
{
    admin_client_close_args *args = a;
    vkDaemonClient *c;

    if (!vkAdmCheckFlags(args->flags, "adminClientClose") ||
        !(c = lookup(args->clnt.srv.name, args->clnt.id)))
        return -1;
    vkDaemonClientClose(c, "disconnected through the admin interface");
    vkDaemonClientUnref(c);
    return 0;
}
