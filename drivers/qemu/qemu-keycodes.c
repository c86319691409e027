/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keycode tables for send-key: one row per key of a PC keyboard, the key's
 * number in each code set virDomainSendKey names, so a key given in any
 * set becomes the "number" QEMU's send-key takes (QEMU's qnum: the PC
 * scancode set 1, with 0xe0-prefixed codes as 0x80 | code).
 *
 * Columns: the Linux input code (KEY_*), the set-1 scancode as XT_KBD
 * writes it (0x100 | code for 0xe0-prefixed keys), the USB HID usage
 * (keyboard page) and the Windows virtual key; 0 means "no such key in
 * that set".  The other sets follow from these: qnum and rfb from set 1;
 * AT set 1 is set 1 without the 0xe0 keys; XT is set 1 for the original
 * 83 keys.  Data only, as numbers of the public interfaces.
 */
#include <stddef.h>

#include "drivers/qemu/qemu-keycodes.h"

const vkQemuKey vkQemuKeys[] = {
    /* evdev  set1   usb   win32 */
    { 1, 0x01, 41, 0x1b },      /* ESC */
    { 2, 0x02, 30, 0x31 },      /* 1 */
    { 3, 0x03, 31, 0x32 },
    { 4, 0x04, 32, 0x33 },
    { 5, 0x05, 33, 0x34 },
    { 6, 0x06, 34, 0x35 },
    { 7, 0x07, 35, 0x36 },
    { 8, 0x08, 36, 0x37 },
    { 9, 0x09, 37, 0x38 },
    { 10, 0x0a, 38, 0x39 },     /* 9 */
    { 11, 0x0b, 39, 0x30 },     /* 0 */
    { 12, 0x0c, 45, 0xbd },     /* MINUS */
    { 13, 0x0d, 46, 0xbb },     /* EQUAL */
    { 14, 0x0e, 42, 0x08 },     /* BACKSPACE */
    { 15, 0x0f, 43, 0x09 },     /* TAB */
    { 16, 0x10, 20, 'Q' },
    { 17, 0x11, 26, 'W' },
    { 18, 0x12, 8, 'E' },
    { 19, 0x13, 21, 'R' },
    { 20, 0x14, 23, 'T' },
    { 21, 0x15, 28, 'Y' },
    { 22, 0x16, 24, 'U' },
    { 23, 0x17, 12, 'I' },
    { 24, 0x18, 18, 'O' },
    { 25, 0x19, 19, 'P' },
    { 26, 0x1a, 47, 0xdb },     /* LEFTBRACE */
    { 27, 0x1b, 48, 0xdd },     /* RIGHTBRACE */
    { 28, 0x1c, 40, 0x0d },     /* ENTER */
    { 29, 0x1d, 224, 0xa2 },    /* LEFTCTRL */
    { 30, 0x1e, 4, 'A' },
    { 31, 0x1f, 22, 'S' },
    { 32, 0x20, 7, 'D' },
    { 33, 0x21, 9, 'F' },
    { 34, 0x22, 10, 'G' },
    { 35, 0x23, 11, 'H' },
    { 36, 0x24, 13, 'J' },
    { 37, 0x25, 14, 'K' },
    { 38, 0x26, 15, 'L' },
    { 39, 0x27, 51, 0xba },     /* SEMICOLON */
    { 40, 0x28, 52, 0xde },     /* APOSTROPHE */
    { 41, 0x29, 53, 0xc0 },     /* GRAVE */
    { 42, 0x2a, 225, 0xa0 },    /* LEFTSHIFT */
    { 43, 0x2b, 50, 0xdc },     /* BACKSLASH */
    { 44, 0x2c, 29, 'Z' },
    { 45, 0x2d, 27, 'X' },
    { 46, 0x2e, 6, 'C' },
    { 47, 0x2f, 25, 'V' },
    { 48, 0x30, 5, 'B' },
    { 49, 0x31, 17, 'N' },
    { 50, 0x32, 16, 'M' },
    { 51, 0x33, 54, 0xbc },     /* COMMA */
    { 52, 0x34, 55, 0xbe },     /* DOT */
    { 53, 0x35, 56, 0xbf },     /* SLASH */
    { 54, 0x36, 229, 0xa1 },    /* RIGHTSHIFT */
    { 55, 0x37, 85, 0x6a },     /* KPASTERISK */
    { 56, 0x38, 226, 0xa4 },    /* LEFTALT */
    { 57, 0x39, 44, 0x20 },     /* SPACE */
    { 58, 0x3a, 57, 0x14 },     /* CAPSLOCK */
    { 59, 0x3b, 58, 0x70 },     /* F1 */
    { 60, 0x3c, 59, 0x71 },
    { 61, 0x3d, 60, 0x72 },
    { 62, 0x3e, 61, 0x73 },
    { 63, 0x3f, 62, 0x74 },
    { 64, 0x40, 63, 0x75 },
    { 65, 0x41, 64, 0x76 },
    { 66, 0x42, 65, 0x77 },
    { 67, 0x43, 66, 0x78 },
    { 68, 0x44, 67, 0x79 },     /* F10 */
    { 69, 0x45, 83, 0x90 },     /* NUMLOCK */
    { 70, 0x46, 71, 0x91 },     /* SCROLLLOCK */
    { 71, 0x47, 95, 0x67 },     /* KP7 */
    { 72, 0x48, 96, 0x68 },
    { 73, 0x49, 97, 0x69 },
    { 74, 0x4a, 86, 0x6d },     /* KPMINUS */
    { 75, 0x4b, 92, 0x64 },     /* KP4 */
    { 76, 0x4c, 93, 0x65 },
    { 77, 0x4d, 94, 0x66 },
    { 78, 0x4e, 87, 0x6b },     /* KPPLUS */
    { 79, 0x4f, 89, 0x61 },     /* KP1 */
    { 80, 0x50, 90, 0x62 },
    { 81, 0x51, 91, 0x63 },
    { 82, 0x52, 98, 0x60 },     /* KP0 */
    { 83, 0x53, 99, 0x6e },     /* KPDOT */
    { 85, 0x76, 148, 0 },       /* ZENKAKUHANKAKU */
    { 86, 0x56, 100, 0xe1 },    /* 102ND */
    { 87, 0x57, 68, 0x7a },     /* F11 */
    { 88, 0x58, 69, 0x7b },     /* F12 */
    { 89, 0x73, 135, 0 },       /* RO */
    { 90, 0x78, 146, 0x15 },    /* KATAKANA */
    { 91, 0x77, 147, 0 },       /* HIRAGANA */
    { 92, 0x79, 138, 0 },       /* HENKAN */
    { 93, 0x70, 136, 0 },       /* KATAKANAHIRAGANA */
    { 94, 0x7b, 139, 0 },       /* MUHENKAN */
    { 95, 0x5c, 140, 0 },       /* KPJPCOMMA */
    { 96, 0x11c, 88, 0 },       /* KPENTER */
    { 97, 0x11d, 228, 0xa3 },   /* RIGHTCTRL */
    { 98, 0x135, 84, 0x6f },    /* KPSLASH */
    { 99, 0x54, 70, 0x2c },     /* SYSRQ */
    { 100, 0x138, 230, 0xa5 },  /* RIGHTALT */
    { 102, 0x147, 74, 0x24 },   /* HOME */
    { 103, 0x148, 82, 0x26 },   /* UP */
    { 104, 0x149, 75, 0x21 },   /* PAGEUP */
    { 105, 0x14b, 80, 0x25 },   /* LEFT */
    { 106, 0x14d, 79, 0x27 },   /* RIGHT */
    { 107, 0x14f, 77, 0x23 },   /* END */
    { 108, 0x150, 81, 0x28 },   /* DOWN */
    { 109, 0x151, 78, 0x22 },   /* PAGEDOWN */
    { 110, 0x152, 73, 0x2d },   /* INSERT */
    { 111, 0x153, 76, 0x2e },   /* DELETE */
    { 113, 0x120, 0, 0xad },    /* MUTE */
    { 114, 0x12e, 0, 0xae },    /* VOLUMEDOWN */
    { 115, 0x130, 0, 0xaf },    /* VOLUMEUP */
    { 116, 0x15e, 102, 0 },     /* POWER */
    { 117, 0x59, 103, 0 },      /* KPEQUAL */
    { 119, 0x146, 72, 0x13 },   /* PAUSE */
    { 121, 0x7e, 133, 0x6c },   /* KPCOMMA */
    { 124, 0x7d, 137, 0 },      /* YEN */
    { 125, 0x15b, 227, 0x5b },  /* LEFTMETA */
    { 126, 0x15c, 231, 0x5c },  /* RIGHTMETA */
    { 127, 0x15d, 101, 0x5d },  /* COMPOSE */
    { 142, 0x15f, 0, 0x5f },    /* SLEEP */
    { 143, 0x163, 0, 0 },       /* WAKEUP */
    { 183, 0x5d, 104, 0x7c },   /* F13 */
    { 184, 0x5e, 105, 0x7d },   /* F14 */
    { 185, 0x5f, 106, 0x7e },   /* F15 */
};
const size_t vkQemuNKeys = sizeof(vkQemuKeys) / sizeof(vkQemuKeys[0]);

/* Windows' side-less virtual keys name the left key. */
const vkQemuKeyAlias vkQemuWin32Aliases[] = {
    { 0x10, 42 },   /* VK_SHIFT: LEFTSHIFT */
    { 0x11, 29 },   /* VK_CONTROL: LEFTCTRL */
    { 0x12, 56 },   /* VK_MENU: LEFTALT */
};
const size_t vkQemuNWin32Aliases = sizeof(vkQemuWin32Aliases) / sizeof(vkQemuWin32Aliases[0]);
