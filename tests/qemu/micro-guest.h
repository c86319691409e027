/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain XML of the guests the QEMU tests and bench/bench-qemu.c run:
 * a direct kernel boot on qboot with one file serial port whose log the
 * tests read.  Plain C (no GLib, no virtkit headers): bench-qemu is built
 * against libvirt as well, and both builds must time the same guest.
 */
#ifndef VK_TESTS_QEMU_MICRO_GUEST_H
#define VK_TESTS_QEMU_MICRO_GUEST_H

typedef struct {
    const char *type;       /* domain type: "kvm" or "qemu" */
    const char *name;
    const char *kernel;     /* the micro-guest ELF, or a Linux kernel */
    unsigned memoryMiB;
    const char *logDir;     /* the file serial logs to LOGDIR/serial-NAME.log */
    const char *os;         /* more <os> children (initrd, cmdline), or NULL */
    const char *devices;    /* devices placed before the file serial, or NULL */
} microGuestSpec;

/* The XML, malloc'd (free() or g_free()); aborts on allocation failure. */
char *microGuestXML(const microGuestSpec *spec);

#endif
