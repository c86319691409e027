/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainSendKey for QEMU: every key is translated to QEMU's qnum (the
 * PC scancode, as libvirt does) through the tables in qemu-keycodes.c,
 * then sent with one QMP send-key, pressed together and released after
 * holdtime ms.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-stats.h"
#include "drivers/qemu/qemu-keycodes.h"

static const char *const codesetNames[VIR_KEYCODE_SET_LAST] = {
    "linux", "xt", "atset1", "atset2", "atset3", "os_x", "xt_kbd", "usb", "win32", "qnum",
};

static int
qnumOf(unsigned int set1)
{
    return (int)(set1 & 0x100 ? 0x80 | (set1 & 0x7f) : set1);
}

int
vkQemuKeycodeToQnum(unsigned int codeset, unsigned int keycode)
{
    if (codeset == VIR_KEYCODE_SET_QNUM)
        return keycode > 0 && keycode <= 0xff ? (int)keycode : -1;
    if (codeset == VIR_KEYCODE_SET_WIN32) {
        for (size_t i = 0; i < vkQemuNWin32Aliases; i++) {
            if (vkQemuWin32Aliases[i].code == keycode)
                return vkQemuKeycodeToQnum(VIR_KEYCODE_SET_LINUX, vkQemuWin32Aliases[i].evdev);
        }
    }
    for (size_t i = 0; i < vkQemuNKeys; i++) {
        const vkQemuKey *k = &vkQemuKeys[i];
        bool extended = k->set1 & 0x100;
        unsigned int code;

        switch (codeset) {
        case VIR_KEYCODE_SET_LINUX: code = k->evdev; break;
        case VIR_KEYCODE_SET_XT_KBD: code = k->set1; break;
        /* AT set 1 writes the 0xe0 prefix into the number, XT has only the
         * 83 keys of the original keyboard */
        case VIR_KEYCODE_SET_ATSET1: code = extended ? 0xe000 | (k->set1 & 0xff) : k->set1; break;
        case VIR_KEYCODE_SET_XT: code = extended || k->set1 > 0x53 ? 0 : k->set1; break;
        case VIR_KEYCODE_SET_USB: code = k->usb; break;
        case VIR_KEYCODE_SET_WIN32: code = k->win32; break;
        case VIR_KEYCODE_SET_ATSET2: code = k->atset2; break;
        case VIR_KEYCODE_SET_ATSET3: code = k->atset3; break;
        case VIR_KEYCODE_SET_OSX:
            if (k->osx != VK_QEMU_NOKEY && k->osx == keycode)
                return qnumOf(k->set1);
            continue;
        default: return -2;
        }
        if (code && code == keycode)
            return qnumOf(k->set1);
    }
    return -1;
}

int
vkQemuDomainSendKey(virDomainPtr dom, unsigned int codeset, unsigned int holdtime,
                    unsigned int *keycodes, int nkeycodes, unsigned int flags)
{
    vkJSON *keys, *args;
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc;

    vkCheckFlags(0, -1);
    if (codeset >= VIR_KEYCODE_SET_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "Unsupported codeset '%d'", (int)codeset);
        return -1;
    }
    if (nkeycodes <= 0 || nkeycodes > VIR_DOMAIN_SEND_KEY_MAX_KEYS) {
        vkReportError(VIR_ERR_INVALID_ARG, "nkeycodes must be 1..%d",
                      VIR_DOMAIN_SEND_KEY_MAX_KEYS);
        return -1;
    }
    keys = vkJSONNewArray();
    for (int i = 0; i < nkeycodes; i++) {
        int q = vkQemuKeycodeToQnum(codeset, keycodes[i]);
        vkJSON *k;

        if (q == -2) {
            vkJSONFree(keys);
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                          "keycode set '%s' is not supported by virtkit's QEMU driver "
                          "(no translation table)", codesetNames[codeset]);
            return -1;
        }
        if (q < 0) {
            vkJSONFree(keys);
            vkReportError(VIR_ERR_INTERNAL_ERROR,
                          "cannot translate keycode %u of %s codeset to qnum keycode",
                          keycodes[i], codesetNames[codeset]);
            return -1;
        }
        k = vkJSONNewObject();
        vkJSONObjectAppendString(k, "type", "number");
        vkJSONObjectAppendInt(k, "data", q);
        vkJSONArrayAppend(keys, k);
    }
    args = vkJSONNewObject();
    vkJSONObjectAppend(args, "keys", keys);
    if (holdtime)
        vkJSONObjectAppendInt(args, "hold-time", holdtime);
    if (!(obj = vkQemuDomainGet(dom, &st))) {
        vkJSONFree(args);
        return -1;
    }
    vkQemuDomainRef(obj);
    if (!vkQemuCheckActive(obj)) {
        vkJSONFree(args);
        rc = -1;
    } else {
        rc = vkQemuQuery(st, obj, "send-key", args, NULL);
    }
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}
