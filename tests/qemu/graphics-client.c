/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkit's own client side of virDomainOpenGraphicsFD: graphics-client
 * URI NAME opens the domain's first display through the remote driver and
 * prints the first line QEMU's VNC server sends on the descriptor.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "virtkit/virtkit.h"

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    virDomainPtr dom;
    struct pollfd pfd;
    char buf[13] = { 0 };
    ssize_t got = 0;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: %s URI NAME\n", argv[0]);
        return 2;
    }
    if (!(conn = virConnectOpen(argv[1])) || !(dom = virDomainLookupByName(conn, argv[2]))) {
        fprintf(stderr, "cannot reach %s: %s\n", argv[2], virGetLastErrorMessage());
        return 1;
    }
    if ((fd = virDomainOpenGraphicsFD(dom, 0, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH)) < 0) {
        fprintf(stderr, "virDomainOpenGraphicsFD: %s\n", virGetLastErrorMessage());
        return 1;
    }
    pfd.fd = fd;
    pfd.events = POLLIN;
    while (got < 12 && poll(&pfd, 1, 30000) == 1) {
        ssize_t n = read(fd, buf + got, 12 - got);
        if (n <= 0)
            break;
        got += n;
    }
    printf("%s", buf);
    close(fd);
    virDomainFree(dom);
    virConnectClose(conn);
    return got == 12 ? 0 : 1;
}
