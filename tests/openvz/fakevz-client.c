/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vzctl / vzlist the OpenVZ tests hand to the driver: a client of
 * fakevz-server.py, which runs the Python stand-in (FAKEVZ_TOOL) in a
 * forked copy of an interpreter that is already up.  The client passes
 * its arguments, environment, working directory and its own stdin, stdout
 * and stderr, and exits with the status the tool returned, so the driver
 * sees what it would see running the stand-in directly.  Without
 * $VIRTKIT_FAKEVZ_SOCKET it runs the stand-in directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

extern char **environ;

#ifndef FAKEVZ_TOOL
# error "FAKEVZ_TOOL (the stand-in's name) and FAKEVZ_DIR must be defined"
#endif

static void
append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s) + 1;

    if (*len + n > *cap) {
        *cap = (*len + n) * 2;
        if (!(*buf = realloc(*buf, *cap))) {
            perror(FAKEVZ_TOOL);
            exit(3);
        }
    }
    memcpy(*buf + *len, s, n);
    *len += n;
}

int
main(int argc, char **argv)
{
    const char *sock = getenv("VIRTKIT_FAKEVZ_SOCKET");
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char *buf = NULL, cwd[4096], num[32];
    size_t len = 0, cap = 0, nenv = 0;
    int fds[3] = { 0, 1, 2 };
    char control[CMSG_SPACE(sizeof(fds))];
    struct iovec iov;
    struct msghdr mh = { 0 };
    struct cmsghdr *cm;
    int fd, status;

    if (!sock) {
        argv[0] = (char *)FAKEVZ_DIR "/" FAKEVZ_TOOL;
        execv(argv[0], argv);
        perror(argv[0]);
        return 3;
    }
    if (!getcwd(cwd, sizeof(cwd)) || strlen(sock) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "%s: no working directory or socket path too long\n", FAKEVZ_TOOL);
        return 3;
    }
    while (environ[nenv])
        nenv++;
    snprintf(num, sizeof(num), "%zu", nenv);
    append(&buf, &len, &cap, FAKEVZ_TOOL);
    append(&buf, &len, &cap, cwd);
    append(&buf, &len, &cap, num);
    for (size_t i = 0; i < nenv; i++)
        append(&buf, &len, &cap, environ[i]);
    for (int i = 1; i < argc; i++)
        append(&buf, &len, &cap, argv[i]);

    strcpy(addr.sun_path, sock);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        fprintf(stderr, "%s: cannot reach %s: %s\n", FAKEVZ_TOOL, sock, strerror(errno));
        return 3;
    }
    iov.iov_base = buf;
    iov.iov_len = len - 1;          /* the server splits on NULs */
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof(control);
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(fds));
    memcpy(CMSG_DATA(cm), fds, sizeof(fds));
    if (sendmsg(fd, &mh, 0) < 0) {
        fprintf(stderr, "%s: cannot send to %s: %s\n", FAKEVZ_TOOL, sock, strerror(errno));
        return 3;
    }
    free(buf);      /* before the exit: LeakSanitizer would fail the run */
    if (recv(fd, &status, sizeof(status), 0) != sizeof(status)) {
        fprintf(stderr, "%s: the stand-in server gave no exit status\n", FAKEVZ_TOOL);
        return 3;
    }
    close(fd);
    return status;
}
