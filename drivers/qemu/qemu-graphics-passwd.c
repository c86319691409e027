/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Display passwords: their expiry at start and their change on a running
 * guest through virDomainUpdateDeviceFlags of a <graphics> device.
 *
 * The password itself reaches QEMU at start as a secret object (the argv
 * builder); what QEMU's command line cannot say is when it expires, so
 * passwdValidTo becomes an expire_password right after the handshake.
 * Live, libvirt lets only the password, its validity and the
 * action-if-connected change (set_password + expire_password); anything
 * else of a display is refused with libvirt's words, and only a display
 * of the same type can be updated.  The persistent update replaces the
 * display of that type as a whole, as libvirt does.
 */
#include <string.h>
#include <time.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-graphics.h"
#include "drivers/qemu/qemu-stats.h"
#include "drivers/qemu/command.h"

static const char *
attrGet(const vkDomainGraphicsDef *g, const char *name)
{
    gpointer *slot = vkQemuGraphicsAttrSlot((vkDomainGraphicsDef *)g, name);

    return slot ? *slot : NULL;
}

static void
attrSet(vkDomainGraphicsDef *g, const char *name, const char *value)
{
    gpointer *slot = vkQemuGraphicsAttrSlot(g, name);

    if (slot && value) {
        g_free(*slot);
        *slot = g_strdup(value);
    } else if (slot) {
        g_ptr_array_remove_range(g->attrs, (guint)(slot - 1 - g->attrs->pdata), 2);
    } else if (value) {
        if (!g->attrs)
            g->attrs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(g->attrs, g_strdup(name));
        g_ptr_array_add(g->attrs, g_strdup(value));
    }
}

static bool
hasPasswords(const char *type)
{
    return strcmp(type, "vnc") == 0 || strcmp(type, "spice") == 0;
}

/* passwdValidTo (YYYY-MM-DDTHH:MM:SS, UTC) as QMP's expire_password time:
 * "never" without one, "now" once past, else the absolute epoch. */
static char *
expiryTime(const char *validTo)
{
    struct tm tm = { 0 };
    const char *end;
    time_t t;

    if (!validTo)
        return g_strdup("never");
    end = strptime(validTo, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "cannot parse password validity time '%s', expect YYYY-MM-DDTHH:MM:SS",
                      validTo);
        return NULL;
    }
    t = timegm(&tm);
    if (t <= time(NULL))
        return g_strdup("now");
    return g_strdup_printf("%lld", (long long)t);
}

static vkJSON *
expireArgs(const vkDomainGraphicsDef *g)
{
    g_autofree char *when = expiryTime(g->passwdValidTo);
    vkJSON *args;

    if (!when)
        return NULL;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "protocol", g->type);
    vkJSONObjectAppendString(args, "time", when);
    return args;
}

int
vkQemuGraphicsApplyExpiry(vkQemuMonitor *mon, const vkDomainDef *def)
{
    GPtrArray *gs = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;

    for (guint i = 0; gs && i < gs->len; i++) {
        const vkDomainGraphicsDef *g = gs->pdata[i];
        vkJSON *args;

        if (!hasPasswords(g->type) || !g->passwd || !g->passwdValidTo)
            continue;
        if (!(args = expireArgs(g)) ||
            vkQemuMonitorCommand(mon, "expire_password", args, NULL) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's name of a device kind, for its "not supported" errors. */
static const char *
deviceName(const vkDomainDeviceDef *dev)
{
    static const char *const names[VK_DOMAIN_DEVICE_LAST] = {
        "disk", "controller", "filesystem", "interface", "chr", "input", "graphics", "video",
    };

    if (dev->type == VK_DOMAIN_DEVICE_OTHER)
        return dev->data.other->name;
    return names[dev->type];
}

static vkDomainGraphicsDef **
findGraphics(vkDomainDef *def, const char *type)
{
    GPtrArray *gs = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;

    for (guint i = 0; gs && i < gs->len; i++) {
        vkDomainGraphicsDef *g = gs->pdata[i];
        if (strcmp(g->type, type) == 0)
            return (vkDomainGraphicsDef **)&gs->pdata[i];
    }
    vkReportError(VIR_ERR_DEVICE_MISSING,
                  "cannot find existing graphics device to modify of type '%s'", type);
    return NULL;
}

/* What may not change on a running display, in libvirt's order. */
static int
checkUnchanged(const vkDomainGraphicsDef *old, const vkDomainGraphicsDef *dev)
{
    const char *t = dev->type;
    bool spice = strcmp(t, "spice") == 0;

    if (old->autoport != dev->autoport ||
        (!dev->autoport && (old->port != dev->port || (spice && old->tlsPort != dev->tlsPort)))) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "cannot change port settings on %s graphics",
                      t);
        return -1;
    }
    if (g_strcmp0(old->listen, dev->listen) != 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      "cannot change listen address setting on %s graphics", t);
        return -1;
    }
    if (g_strcmp0(old->keymap, dev->keymap) != 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "cannot change keymap setting on %s graphics",
                      t);
        return -1;
    }
    return 0;
}

/* Live: job held, locked. */
static int
updateLive(vkQemuState *st, vkQemuDomain *obj, vkDomainGraphicsDef *dev)
{
    vkDomainGraphicsDef **slot, *old;
    const char *connected = attrGet(dev, "connected");
    vkJSON *args;

    if (!(slot = findGraphics(obj->def, dev->type)))
        return -1;
    old = *slot;
    if (!hasPasswords(dev->type)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "unable to change config on '%s' graphics type",
                      dev->type);
        return -1;
    }
    if (checkUnchanged(old, dev) < 0)
        return -1;
    /* nothing to tell QEMU when neither the password, its validity nor
     * the action changes (libvirt's test) */
    if (!old->passwdValidTo && !dev->passwdValidTo &&
        g_strcmp0(attrGet(old, "connected"), connected) == 0 &&
        g_strcmp0(old->passwd, dev->passwd) == 0)
        return 0;
    if (dev->passwd) {
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "protocol", dev->type);
        vkJSONObjectAppendString(args, "password", dev->passwd);
        vkJSONObjectAppendString(args, "connected", connected ? connected : "keep");
        if (vkQemuDomainMonitorCommand(st, obj, "set_password", args, NULL) < 0)
            return -1;
        if (!(args = expireArgs(dev)) ||
            vkQemuDomainMonitorCommand(st, obj, "expire_password", args, NULL) < 0)
            return -1;
    }
    /* the monitor call unlocked: the definition may have been replaced */
    if (obj->id < 0 || !(slot = findGraphics(obj->def, dev->type)))
        return -1;
    old = *slot;
    g_free(old->passwd);
    old->passwd = g_strdup(dev->passwd);
    g_free(old->passwdValidTo);
    old->passwdValidTo = g_strdup(dev->passwdValidTo);
    attrSet(old, "connected", connected);
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
    return 0;
}

/* Persistent: the display of that type is replaced. */
static int
updateConfig(vkQemuState *st, vkQemuDomain *obj, const char *xml)
{
    vkDomainDef **target = obj->newDef ? &obj->newDef : &obj->def;
    g_autoptr(vkDomainDeviceDef) dev = vkDomainDeviceDefParseString(xml, *target, 0);
    g_autoptr(vkDomainDef) copy = NULL;
    vkDomainGraphicsDef **slot;
    vkDomainDeviceDef *replaced;

    if (!dev)
        return -1;
    if (dev->type != VK_DOMAIN_DEVICE_GRAPHICS) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "persistent update of device '%s' is not supported", deviceName(dev));
        return -1;
    }
    copy = vkDomainDefCopy(*target);
    if (!(slot = findGraphics(copy, dev->data.graphics->type)))
        return -1;
    replaced = g_new0(vkDomainDeviceDef, 1);
    replaced->type = VK_DOMAIN_DEVICE_GRAPHICS;
    replaced->data.graphics = *slot;
    *slot = g_steal_pointer(&dev->data.graphics);
    vkDomainDeviceDefFree(replaced);
    if (vkQemuValidateDef(copy) < 0 || vkQemuSaveConfig(st, copy) < 0)
        return -1;
    vkDomainDefFree(*target);
    *target = g_steal_pointer(&copy);
    return 0;
}

int
vkQemuDomainUpdateDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    bool live, config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                 VIR_DOMAIN_DEVICE_MODIFY_FORCE, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (vkQemuAffect(obj, flags, &live, &config) == 0) {
        g_autoptr(vkDomainDeviceDef) dev = live ? vkDomainDeviceDefParseString(xml, obj->def, 0)
                                                : NULL;

        if (live && dev && dev->type != VK_DOMAIN_DEVICE_GRAPHICS)
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "live update of device '%s' is not supported", deviceName(dev));
        else if ((!live || (dev && updateLive(st, obj, dev->data.graphics) == 0)) &&
                 (!config || updateConfig(st, obj, xml) == 0))
            ret = 0;
    }
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}
