/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container console: the supervisor's relay and the driver's client.
 *
 * The supervisor owns the pty master for the container's whole life and
 * always copies its output to the log.  It also listens on a UNIX socket
 * in the run directory; the connected client (one at a time, the newest
 * wins, as libvirt's forced console open does) gets the same output and
 * its input goes to the pty.  The relay never blocks on anyone: output a
 * slow client cannot take is dropped for that client only (the log has
 * it), and client input is read only when the pty has taken the previous
 * chunk.  The supervisor side runs after fork, so it uses static buffers
 * and plain system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-process.h"

static int
fillAddr(struct sockaddr_un *addr, const char *path)
{
    size_t len = strlen(path);

    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (len >= sizeof(addr->sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(addr->sun_path, path, len + 1);
    return 0;
}

int
vkLxcConsoleListen(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    if (fillAddr(&addr, path) < 0)
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
        return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(path, 0600) < 0 ||
        listen(fd, 4) < 0) {
        int err = errno;

        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

static void
dropClient(int *client, size_t *pending)
{
    if (*client >= 0)
        close(*client);
    *client = -1;
    *pending = 0;
}

void
vkLxcConsoleRelay(int master, int logFd, int listenFd)
{
    static char out[8192];
    static char in[4096];
    size_t pending = 0, off = 0;
    int client = -1;

    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    for (;;) {
        struct pollfd p[3] = {
            { .fd = master, .events = POLLIN | (pending ? POLLOUT : 0) },
            { .fd = listenFd, .events = POLLIN },
            { .fd = client, .events = pending ? 0 : POLLIN },
        };
        ssize_t n;

        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (p[0].revents & POLLIN) {
            n = read(master, out, sizeof(out));
            if (n > 0) {
                if (write(logFd, out, n) < 0) {
                    /* a full disk must not stop the container */
                }
                if (client >= 0 && send(client, out, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
                    errno != EAGAIN)
                    dropClient(&client, &pending);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                return;     /* EIO: no slave is open any more, the init is gone */
            }
        } else if (p[0].revents & (POLLHUP | POLLERR)) {
            return;
        }
        if ((p[0].revents & POLLOUT) && pending) {
            n = write(master, in + off, pending);
            if (n > 0) {
                off += n;
                pending -= n;
            }
        }
        if (p[1].revents & POLLIN) {
            int c = accept4(listenFd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

            if (c >= 0) {
                dropClient(&client, &pending);
                client = c;
            }
        }
        if (client >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            n = read(client, in, sizeof(in));
            if (n > 0) {
                pending = n;
                off = 0;
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                dropClient(&client, &pending);
            }
        }
    }
}

int
vkLxcConsoleConnect(const char *path, const char *name)
{
    struct sockaddr_un addr;
    int fd;

    if (fillAddr(&addr, path) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "console socket path '%s' of container '%s' "
                      "is too long", path, name);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        vkReportSystemError(errno, "cannot connect to the console of container '%s'", name);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}
