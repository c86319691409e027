/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ssh transport: "qemu+ssh://[user@]host[:port]/system".
 *
 * As libvirt's clients do, the local ssh client runs a proxy on the far
 * host that joins its stdin/stdout to the daemon's UNIX socket:
 * virt-ssh-helper (given the URI without the transport) where it exists,
 * else nc -U on the socket (a virtkit host serves that socket with
 * virtkitd --libvirt-sockets), so either kind of client reaches either
 * kind of host.  Here the ssh process sits at the
 * other end of a socketpair, which the client reads and writes like any
 * other socket.
 *
 * URI parameters, as libvirt names them: proxy (auto, netcat, native),
 * netcat (the far side's nc), socket (the far side's daemon socket),
 * keyfile, no_verify, no_tty, command (the local ssh binary).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "drivers/remote/remote-private.h"

/* The far side's libvirt socket when the URI names none: where a libvirtd
 * (or virtkitd --libvirt-sockets) listens. */
#define FAR_SOCKET_DIR "/var/run/libvirt"

/* One argument for the far side's sh: single-quoted. */
static void
shellQuote(GString *out, const char *s)
{
    g_string_append_c(out, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            g_string_append(out, "'\\''");
        else
            g_string_append_c(out, *s);
    }
    g_string_append_c(out, '\'');
}

/* The script the far host's shell runs: the proxy the URI asks for. */
static char *
farCommand(const vkURI *uri, bool readonly)
{
    const char *proxy = vkURIGetParam(uri, "proxy");
    const char *netcat = vkURIGetParam(uri, "netcat");
    const char *sock = vkURIGetParam(uri, "socket");
    g_autofree char *defSock = NULL;
    g_autofree char *target = NULL;
    GString *nc = g_string_new(NULL);
    GString *helper = g_string_new(NULL);
    GString *script = g_string_new(NULL);

    if (!proxy)
        proxy = "auto";
    if (!sock)
        sock = defSock = g_strdup_printf(FAR_SOCKET_DIR "/libvirt-sock%s", readonly ? "-ro" : "");
    shellQuote(nc, netcat ? netcat : "nc");
    g_string_append(nc, " -U ");
    shellQuote(nc, sock);
    target = g_strdup_printf("%s://%s", uri->scheme,
                             uri->path && *uri->path ? uri->path : "/system");
    g_string_append(helper, "virt-ssh-helper ");
    if (readonly)
        g_string_append(helper, "-r ");
    shellQuote(helper, target);

    if (strcmp(proxy, "netcat") == 0 || vkURIGetParam(uri, "socket")) {
        /* a named socket is only reachable through nc */
        g_string_append_printf(script, "exec %s", nc->str);
    } else if (strcmp(proxy, "native") == 0) {
        g_string_append_printf(script, "exec %s", helper->str);
    } else if (strcmp(proxy, "auto") == 0) {
        g_string_append_printf(script,
                               "if command -v virt-ssh-helper >/dev/null 2>&1; then exec %s; "
                               "else exec %s; fi", helper->str, nc->str);
    } else {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "proxy '%s' in the URI is none of auto, netcat, native", proxy);
        g_string_free(script, TRUE);
        script = NULL;
    }
    g_string_free(nc, TRUE);
    g_string_free(helper, TRUE);
    return script ? g_string_free(script, FALSE) : NULL;
}

vkRemoteTransport *
vkRemoteTransportSSH(const vkURI *uri, bool readonly)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    g_autofree char *script = NULL;
    GString *remote;
    vkRemoteTransport *t;
    GPid pid;
    int sv[2];

    if (!uri->server || !*uri->server) {
        vkReportError(VIR_ERR_INVALID_ARG, "the ssh transport needs a host in the URI");
        return NULL;
    }
    if (!(script = farCommand(uri, readonly)))
        return NULL;
    g_ptr_array_add(argv, g_strdup(vkURIGetParam(uri, "command") ?
                                   vkURIGetParam(uri, "command") : "ssh"));
    if (uri->port) {
        g_ptr_array_add(argv, g_strdup("-p"));
        g_ptr_array_add(argv, g_strdup_printf("%d", uri->port));
    }
    if (uri->user && *uri->user) {
        g_ptr_array_add(argv, g_strdup("-l"));
        g_ptr_array_add(argv, g_strdup(uri->user));
    }
    if (vkURIGetParam(uri, "keyfile")) {
        g_ptr_array_add(argv, g_strdup("-i"));
        g_ptr_array_add(argv, g_strdup(vkURIGetParam(uri, "keyfile")));
    }
    /* the stream is binary: no tty, no escape character */
    g_ptr_array_add(argv, g_strdup("-T"));
    g_ptr_array_add(argv, g_strdup("-e"));
    g_ptr_array_add(argv, g_strdup("none"));
    if (vkURIParamIsTrue(uri, "no_tty")) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup("BatchMode=yes"));
    }
    if (vkURIParamIsTrue(uri, "no_verify")) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup("StrictHostKeyChecking=no"));
    }
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup(uri->server));
    /* ssh hands the far side one command line: sh -c 'script' */
    remote = g_string_new("sh -c ");
    shellQuote(remote, script);
    g_ptr_array_add(argv, g_string_free(remote, FALSE));
    g_ptr_array_add(argv, NULL);

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        vkReportSystemError(errno, "cannot create a socket pair for ssh");
        return NULL;
    }
    /* stderr stays the caller's: ssh's prompts and errors reach the user
     * as they do with libvirt's clients */
    if (!g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, sv[1], sv[1], -1, &err)) {
        close(sv[0]);
        close(sv[1]);
        vkReportError(VIR_ERR_SYSTEM_ERROR, "cannot run '%s': %s",
                      (char *)argv->pdata[0], err->message);
        return NULL;
    }
    close(sv[1]);
    t = g_new0(vkRemoteTransport, 1);
    t->fd = sv[0];
    t->child = pid;
    t->secure = true;
    t->encrypted = true;
    return t;
}

void
vkRemoteTransportReapChild(vkRemoteTransport *t)
{
    if (t->child <= 0)
        return;
    /* the socket is closed: ssh sees EOF and exits; a stuck one is told */
    kill(t->child, SIGTERM);
    while (waitpid(t->child, NULL, 0) < 0 && errno == EINTR)
        ;
    t->child = 0;
}
