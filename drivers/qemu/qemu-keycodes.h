/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keycode tables for virDomainSendKey (data in qemu-keycodes.c) and the
 * translation of a key from any code set to QEMU's qnum.
 */
#ifndef VK_QEMU_KEYCODES_H
#define VK_QEMU_KEYCODES_H

#include <stddef.h>

typedef struct {
    unsigned short evdev;    /* Linux KEY_* */
    unsigned short set1;     /* scancode set 1; 0x100 | code after 0xe0 */
    unsigned short usb;      /* USB HID keyboard usage, 0: none */
    unsigned short win32;    /* Windows virtual key, 0: none */
    unsigned short atset2;   /* PC scancode set 2; 0xe000 | code after 0xe0 */
    unsigned short atset3;   /* PC scancode set 3 (no prefixes), 0: none */
    unsigned short osx;      /* macOS virtual keycode, VK_QEMU_NOKEY: none */
} vkQemuKey;

/* 0 is a real macOS key (ANSI_A), so that column needs another "none". */
#define VK_QEMU_NOKEY 0xffff

typedef struct {
    unsigned short code;     /* in the aliased set */
    unsigned short evdev;    /* the Linux key it stands for */
} vkQemuKeyAlias;

extern const vkQemuKey vkQemuKeys[];
extern const size_t vkQemuNKeys;
extern const vkQemuKeyAlias vkQemuWin32Aliases[];
extern const size_t vkQemuNWin32Aliases;

/* The qnum of keycode in codeset (a virKeycodeSet); -1 when the set has
 * no such key, -2 when virtkit has no table for the set. */
int vkQemuKeycodeToQnum(unsigned int codeset, unsigned int keycode);

#endif
