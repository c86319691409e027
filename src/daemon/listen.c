/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's listening sockets: UNIX (read-write and read-only, with their
 * modes), TCP and TLS; accept hands each connection to server.c.  At
 * EMFILE a descriptor kept in reserve lets the daemon accept and close the
 * peer at once, so it sees EOF instead of hanging in the backlog.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <glib-unix.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "daemon/server-private.h"

/* Out of descriptors, a pending connection can be neither served nor
 * refused, and the listener stays readable: the loop would spin on
 * accept().  A descriptor held in reserve is given up for a moment to
 * accept the peer and close it at once, so it sees EOF instead of
 * waiting in the backlog.  false if even that is impossible. */
static bool
refuseOne(vkDaemonServer *srv, int lfd)
{
    int cfd;

    if (srv->spareFd < 0)
        return false;
    close(srv->spareFd);
    cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (cfd >= 0)
        close(cfd);
    srv->spareFd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return cfd >= 0;
}

static gboolean
listenerAccept(gint fd, GIOCondition cond, gpointer opaque)
{
    vkListener *l = opaque;

    unsigned int refused = 0;

    for (;;) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            if ((errno == EMFILE || errno == ENFILE) && refuseOne(l->srv, fd)) {
                refused++;
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                VK_LOG("accept on %s failed: %s", l->desc, g_strerror(errno));
            break;
        }
        vkDaemonClientNew(l, cfd);
    }
    if (refused)
        VK_LOG("refused %u connection(s) on %s: out of file descriptors",
               refused, l->desc);
    return G_SOURCE_CONTINUE;
}

/* ---- listeners ---- */

void
vkDaemonListenerFree(gpointer data)
{
    vkListener *l = data;

    if (l->watch)
        g_source_remove(l->watch);
    if (l->fd >= 0)
        close(l->fd);
    if (l->path)
        unlink(l->path);
    g_free(l->path);
    g_free(l->desc);
    g_free(l);
}

static void
addListener(vkDaemonServer *srv, int fd, bool readonly, bool tls,
            const char *path, char *desc)
{
    vkListener *l = g_new0(vkListener, 1);

    l->srv = srv;
    l->fd = fd;
    l->readonly = readonly;
    l->tls = tls;
    l->path = g_strdup(path);
    l->desc = desc;
    l->watch = g_unix_fd_add(fd, G_IO_IN, listenerAccept, l);
    g_ptr_array_add(srv->listeners, l);
    VK_DLOG("listening on %s", desc);
}

/* True when something accepts connections on path. */
static bool
socketIsLive(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int probe;
    bool live;

    if (strlen(path) >= sizeof(sa.sun_path))
        return false;
    strcpy(sa.sun_path, path);
    if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return false;
    live = connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(probe);
    return live;
}

static bool
listenUnix(vkDaemonServer *srv, const char *name, unsigned int mode,
           bool readonly, GError **error)
{
    g_autofree char *path = g_build_filename(srv->cfg->unixSockDir, name, NULL);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    mode_t old;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG,
                    "socket path '%s' is too long", path);
        return false;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto syserr;
    if (lstat(path, &st) == 0) {
        /* A socket left by a crashed daemon is removed; a live one (a
         * libvirtd's, in libvirt_sockets mode) is not. */
        bool live = socketIsLive(path);

        if (live || !S_ISSOCK(st.st_mode)) {
            close(fd);
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                        live ? "another daemon is already listening on '%s'"
                             : "'%s' exists and is not a socket", path);
            return false;
        }
        unlink(path);
    }
    old = umask(0077);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        umask(old);
        goto syserr;
    }
    umask(old);
    if (chmod(path, mode) < 0 || listen(fd, SOMAXCONN) < 0) {
        unlink(path);
        goto syserr;
    }
    addListener(srv, fd, readonly, false, path,
                g_strdup_printf("%s%s", path, readonly ? " (read-only)" : ""));
    return true;

 syserr:
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                "cannot listen on '%s': %s", path, g_strerror(errno));
    if (fd >= 0)
        close(fd);
    return false;
}

static bool
listenTcp(vkDaemonServer *srv, const char *port, bool tls, GError **error)
{
    struct addrinfo hints = {
        .ai_flags = AI_PASSIVE | AI_ADDRCONFIG,
        .ai_socktype = SOCK_STREAM,
    };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    const char *addr = srv->cfg->listenAddr;
    int rc;
    int bound = 0;

    if (addr && !*addr)
        addr = NULL;
    if ((rc = getaddrinfo(addr, port, &hints, &res)) != 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "cannot resolve listen address '%s' port %s: %s",
                    addr ? addr : "*", port, gai_strerror(rc));
        return false;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int one = 1;
        char host[NI_MAXHOST] = "?";
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
            int saved = errno;
            close(fd);
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                        "cannot listen on %s port %s: %s", host, port, g_strerror(saved));
            freeaddrinfo(res);
            return false;
        }
        addListener(srv, fd, false, tls, NULL,
                    g_strdup_printf("%s:%s (%s)", host, port, tls ? "tls" : "tcp"));
        bound++;
    }
    freeaddrinfo(res);
    if (!bound) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "no usable address to listen on port %s", port);
        return false;
    }
    return true;
}

/* The listener just added serves the admin program (its clients are the
 * "admin" server's). */
static void
markAdmin(vkDaemonServer *srv, bool admin)
{
    vkListener *l = g_ptr_array_index(srv->listeners, srv->listeners->len - 1);

    l->admin = admin;
}

/* systemd socket activation (sd_listen_fds(3)'s protocol, without
 * libsystemd): the sockets arrive as fds 3.. with their unit's
 * FileDescriptorName; a name ending in "-ro" is the read-only socket.
 * Returns how many were adopted (0: not activated). */
static int
adoptActivatedSockets(vkDaemonServer *srv)
{
    const char *pid = g_getenv("LISTEN_PID");
    const char *fds = g_getenv("LISTEN_FDS");
    g_auto(GStrv) names = NULL;
    long n;

    if (!pid || !fds || g_ascii_strtoll(pid, NULL, 10) != (gint64)getpid())
        return 0;
    n = g_ascii_strtoll(fds, NULL, 10);
    names = g_strsplit(g_getenv("LISTEN_FDNAMES") ? g_getenv("LISTEN_FDNAMES") : "", ":", -1);
    for (long i = 0; i < n && i < 64; i++) {
        int fd = 3 + (int)i;
        const char *name = names[0] && (guint)i < g_strv_length(names) ? names[i] : "";
        bool ro = g_str_has_suffix(name, "-ro");

        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        /* systemd owns the socket files: no path, nothing unlinked */
        addListener(srv, fd, ro, false, NULL,
                    g_strdup_printf("activated socket %s%s", *name ? name : "(unnamed)",
                                    ro ? " (read-only)" : ""));
        markAdmin(srv, g_str_has_suffix(name, "-admin"));
    }
    g_unsetenv("LISTEN_PID");
    g_unsetenv("LISTEN_FDS");
    g_unsetenv("LISTEN_FDNAMES");
    return (int)n;
}

bool
vkDaemonServerListen(vkDaemonServer *srv, GError **error)
{
    vkDaemonConfig *cfg = srv->cfg;
    const char *prefix = cfg->libvirtSockets ? "libvirt" : "virtkit";
    g_autofree char *rw = g_strdup_printf("%s-sock", prefix);
    g_autofree char *ro = g_strdup_printf("%s-sock-ro", prefix);
    const char *adm = cfg->libvirtSockets ? "libvirt-admin-sock" : "virtkitd-admin-sock";

    if (adoptActivatedSockets(srv) > 0)
        goto network;
    if (g_mkdir_with_parents(cfg->unixSockDir, 0755) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create socket directory '%s': %s",
                    cfg->unixSockDir, g_strerror(errno));
        return false;
    }
    if (cfg->libvirtSockets) {
        /* libvirt's clients try the modular daemon's socket before
         * libvirt-sock: with a virtqemud there, they would never get here */
        g_autofree char *modular = g_build_filename(cfg->unixSockDir, "virtqemud-sock", NULL);

        if (socketIsLive(modular)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                        "virtqemud is listening on '%s': libvirt's clients would reach it, "
                        "not virtkitd; stop it first", modular);
            return false;
        }
    }
    if (!listenUnix(srv, rw, cfg->unixSockRwPerms, false, error) ||
        !listenUnix(srv, ro, cfg->unixSockRoPerms, true, error))
        goto fail;
    /* root only, as libvirtd's admin socket */
    if (!listenUnix(srv, adm, 0700, false, error))
        goto fail;
    markAdmin(srv, true);
 network:
    if (cfg->listenTls) {
        if (!(srv->tls = vkDaemonTlsNew(cfg, error)) ||
            !listenTcp(srv, cfg->tlsPort, true, error))
            goto fail;
    }
    if (cfg->listenTcp && !listenTcp(srv, cfg->tcpPort, false, error))
        goto fail;
    return true;

 fail:
    g_ptr_array_set_size(srv->listeners, 0);
    return false;
}

/* ---- keepalive ---- */

