/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-lifecycle.c: commands that move a domain between states — create,
 * start, destroy, shutdown, reboot, reset, suspend, resume, save, restore and
 * managedsave. They share one shape: look the domain up, call the API, print
 * virsh's one-line confirmation or its "Failed to ..." line (the library's
 * own message follows it, printed by the command loop). */
#include <stdio.h>
#include <string.h>

#include "vksh.h"

static const vkshOptDef optsCreate[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "XML file describing the domain" },
    { "paused", VKSH_OT_BOOL, 0, "leave the new domain paused" },
    { "autodestroy", VKSH_OT_BOOL, 0, "destroy the domain when the connection closes" },
    { "validate", VKSH_OT_BOOL, 0, "check the XML against the domain schema" },
    { "console", VKSH_OT_BOOL, 0, "attach to console after creation" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "paused", VIR_DOMAIN_START_PAUSED },
        { "autodestroy", VIR_DOMAIN_START_AUTODESTROY },
        { "validate", VIR_DOMAIN_START_VALIDATE },
    };
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);

    if (!xml)
        return false;
    if (!(dom = virDomainCreateXML(ctl->conn, xml, flags))) {
        vkshError(ctl, "Failed to create domain from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' created from %s\n", virDomainGetName(dom), file);
    if (vkshOptBool(cmd, "console"))
        return vkshRunConsole(ctl, dom, NULL, 0);
    return true;
}

static const vkshOptDef optsStart[] = {
    VKSH_OPT_DOMAIN,
    { "paused", VKSH_OT_BOOL, 0, "leave the domain paused after starting it" },
    { "autodestroy", VKSH_OT_BOOL, 0, "destroy the domain when the connection closes" },
    { "bypass-cache", VKSH_OT_BOOL, 0, "avoid the file system cache when restoring" },
    { "force-boot", VKSH_OT_BOOL, 0, "boot afresh, ignoring any managed save image" },
    { "reset-nvram", VKSH_OT_BOOL, 0, "start with a fresh NVRAM" },
    { "console", VKSH_OT_BOOL, 0, "attach to console after creation" },
    { NULL, 0, 0, NULL },
};

static bool
cmdStart(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "paused", VIR_DOMAIN_START_PAUSED },
        { "autodestroy", VIR_DOMAIN_START_AUTODESTROY },
        { "bypass-cache", VIR_DOMAIN_START_BYPASS_CACHE },
        { "force-boot", VIR_DOMAIN_START_FORCE_BOOT },
        { "reset-nvram", VIR_DOMAIN_START_RESET_NVRAM },
    };
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name,
                                                 VKSH_BYNAME | VKSH_BYUUID);
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    int rc;

    if (!dom)
        return false;
    if (virDomainGetID(dom) != (unsigned int)-1) {
        vkshError(ctl, "Domain is already active");
        return false;
    }
    /* A driver that does not know --force-boot gets the same effect from
     * removing the managed save image before a plain start. */
    if (flags & VIR_DOMAIN_START_FORCE_BOOT) {
        virErrorPtr err;

        if (virDomainCreateWithFlags(dom, flags) == 0)
            goto started;
        err = virGetLastError();
        if (!err || (err->code != VIR_ERR_NO_SUPPORT &&
                     err->code != VIR_ERR_INVALID_ARG)) {
            vkshError(ctl, "Failed to start domain '%s'", virDomainGetName(dom));
            return false;
        }
        vkshResetLibError(ctl);
        if ((rc = virDomainHasManagedSaveImage(dom, 0)) < 0 ||
            (rc > 0 && virDomainManagedSaveRemove(dom, 0) < 0)) {
            vkshError(ctl, "Failed to start domain '%s'", virDomainGetName(dom));
            return false;
        }
        flags &= ~VIR_DOMAIN_START_FORCE_BOOT;
    }
    rc = flags ? virDomainCreateWithFlags(dom, flags) : virDomainCreate(dom);
    if (rc < 0) {
        vkshError(ctl, "Failed to start domain '%s'", virDomainGetName(dom));
        return false;
    }
 started:
    vkshPrintExtra(ctl, "Domain '%s' started\n", virDomainGetName(dom));
    if (vkshOptBool(cmd, "console"))
        return vkshRunConsole(ctl, dom, NULL, 0);
    return true;
}

static const vkshOptDef optsDestroy[] = {
    VKSH_OPT_DOMAIN,
    { "graceful", VKSH_OT_BOOL, 0, "ask the hypervisor to stop without SIGKILL" },
    { "remove-logs", VKSH_OT_BOOL, 0, "also remove the domain's log files" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDestroy(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "graceful", VIR_DOMAIN_DESTROY_GRACEFUL },
        { "remove-logs", VIR_DOMAIN_DESTROY_REMOVE_LOGS },
    };
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    int rc;

    if (!dom)
        return false;
    rc = flags ? virDomainDestroyFlags(dom, flags) : virDomainDestroy(dom);
    if (rc < 0) {
        vkshError(ctl, "Failed to destroy domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' destroyed\n", name);
    return true;
}

static const vkshOptDef optsMode[] = {
    VKSH_OPT_DOMAIN,
    { "mode", VKSH_OT_STRING, 0, "comma-separated methods: acpi, agent, initctl, signal, paravirt" },
    { NULL, 0, 0, NULL },
};

/* The shutdown and reboot flag values are the same bits in the same order. */
static bool
parseMode(vkshCtl *ctl, const vkshCmd *cmd, unsigned int *flags)
{
    static const char *const modes[] = { "acpi", "agent", "initctl", "signal",
                                         "paravirt" };
    const char *str = vkshOptString(cmd, "mode");
    g_auto(GStrv) parts = NULL;

    *flags = 0;
    if (!str)
        return true;
    parts = g_strsplit(str, ",", -1);
    for (size_t i = 0; parts[i]; i++) {
        size_t m;

        for (m = 0; m < G_N_ELEMENTS(modes); m++) {
            if (strcmp(parts[i], modes[m]) == 0)
                break;
        }
        if (m == G_N_ELEMENTS(modes)) {
            vkshError(ctl, "Unknown mode %s value, expecting 'acpi', 'agent', "
                      "'initctl', 'signal', or 'paravirt'", parts[i]);
            return false;
        }
        *flags |= 1u << m;
    }
    return true;
}

static bool
cmdShutdown(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;
    int rc;

    if (!parseMode(ctl, cmd, &flags))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    rc = flags ? virDomainShutdownFlags(dom, flags) : virDomainShutdown(dom);
    if (rc < 0) {
        vkshError(ctl, "Failed to shutdown domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' is being shutdown\n", name);
    return true;
}

static bool
cmdReboot(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;

    if (!parseMode(ctl, cmd, &flags))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    if (virDomainReboot(dom, flags) < 0) {
        vkshError(ctl, "Failed to reboot domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' is being rebooted\n", name);
    return true;
}

static bool
cmdReset(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);

    if (!dom)
        return false;
    if (virDomainReset(dom, 0) < 0) {
        vkshError(ctl, "Failed to reset domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' was reset\n", name);
    return true;
}

static bool
cmdSuspend(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);

    if (!dom)
        return false;
    if (virDomainSuspend(dom) < 0) {
        vkshError(ctl, "Failed to suspend domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' suspended\n", name);
    return true;
}

static bool
cmdResume(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);

    if (!dom)
        return false;
    if (virDomainResume(dom) < 0) {
        vkshError(ctl, "Failed to resume domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' resumed\n", name);
    return true;
}

/* save, restore and managedsave share --bypass-cache/--running/--paused. */
static bool
saveFlags(vkshCtl *ctl, const vkshCmd *cmd, unsigned int *flags)
{
    static const vkshOptFlag map[] = {
        { "bypass-cache", VIR_DOMAIN_SAVE_BYPASS_CACHE },
        { "running", VIR_DOMAIN_SAVE_RUNNING },
        { "paused", VIR_DOMAIN_SAVE_PAUSED },
    };

    if (!vkshOptExclusive(ctl, cmd, "running", "paused"))
        return false;
    *flags = VKSH_OPT_FLAGS(cmd, map);
    return true;
}

static const vkshOptDef optsSave[] = {
    VKSH_OPT_DOMAIN,
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file to write the domain's state to" },
    { "bypass-cache", VKSH_OT_BOOL, 0, "avoid the file system cache" },
    { "xml", VKSH_OT_STRING, 0, "file with an updated XML definition to store" },
    { "running", VKSH_OT_BOOL, 0, "restore the domain running" },
    { "paused", VKSH_OT_BOOL, 0, "restore the domain paused" },
    { "verbose", VKSH_OT_BOOL, 0, "show progress" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSave(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    const char *file = vkshOptString(cmd, "file");
    const char *xmlfile = vkshOptString(cmd, "xml");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags;
    int rc;

    if (!saveFlags(ctl, cmd, &flags))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    if (xmlfile && !(xml = vkshReadFile(ctl, xmlfile)))
        return false;
    rc = (flags || xml) ? virDomainSaveFlags(dom, file, xml, flags)
                        : virDomainSave(dom, file);
    if (rc < 0) {
        vkshError(ctl, "Failed to save domain '%s' to %s", name, file);
        return false;
    }
    vkshPrintExtra(ctl, "\nDomain '%s' saved to %s\n", name, file);
    return true;
}

static const vkshOptDef optsRestore[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file holding the saved state" },
    { "bypass-cache", VKSH_OT_BOOL, 0, "avoid the file system cache" },
    { "xml", VKSH_OT_STRING, 0, "file with an updated XML definition to use" },
    { "running", VKSH_OT_BOOL, 0, "leave the domain running" },
    { "paused", VKSH_OT_BOOL, 0, "leave the domain paused" },
    { NULL, 0, 0, NULL },
};

static bool
cmdRestore(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    const char *xmlfile = vkshOptString(cmd, "xml");
    g_autofree char *xml = NULL;
    unsigned int flags;
    int rc;

    if (!saveFlags(ctl, cmd, &flags))
        return false;
    if (xmlfile && !(xml = vkshReadFile(ctl, xmlfile)))
        return false;
    rc = (flags || xml) ? virDomainRestoreFlags(ctl->conn, file, xml, flags)
                        : virDomainRestore(ctl->conn, file);
    if (rc < 0) {
        vkshError(ctl, "Failed to restore domain from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Domain restored from %s\n", file);
    return true;
}

static const vkshOptDef optsManagedSave[] = {
    VKSH_OPT_DOMAIN,
    { "bypass-cache", VKSH_OT_BOOL, 0, "avoid the file system cache" },
    { "running", VKSH_OT_BOOL, 0, "start the domain running next time" },
    { "paused", VKSH_OT_BOOL, 0, "start the domain paused next time" },
    { "verbose", VKSH_OT_BOOL, 0, "show progress" },
    { NULL, 0, 0, NULL },
};

static bool
cmdManagedSave(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;

    if (!saveFlags(ctl, cmd, &flags))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    if (virDomainManagedSave(dom, flags) < 0) {
        vkshError(ctl, "Failed to save domain '%s' state", name);
        return false;
    }
    vkshPrintExtra(ctl, "\nDomain '%s' state saved by libvirt\n", name);
    return true;
}

VKSH_CMD(vkshCmdCreate, "create", cmdCreate, optsCreate,
         "create a domain from an XML file",
         "Starts a transient domain described by the XML file.");
VKSH_CMD(vkshCmdStart, "start", cmdStart, optsStart,
         "start a (previously defined) inactive domain",
         "Boots a defined domain, or resumes it from its managed save image.");
VKSH_CMD(vkshCmdDestroy, "destroy", cmdDestroy, optsDestroy,
         "destroy (stop) a domain",
         "Stops the domain at once, like pulling its power cord.");
VKSH_CMD(vkshCmdShutdown, "shutdown", cmdShutdown, optsMode,
         "gracefully shutdown a domain",
         "Asks the guest to power itself off.");
VKSH_CMD(vkshCmdReboot, "reboot", cmdReboot, optsMode,
         "reboot a domain",
         "Asks the guest to reboot.");
VKSH_CMD(vkshCmdReset, "reset", cmdReset, vkshOptsDomainOnly,
         "reset a domain",
         "Resets the domain as the reset button of a machine would.");
VKSH_CMD(vkshCmdSuspend, "suspend", cmdSuspend, vkshOptsDomainOnly,
         "suspend a domain",
         "Pauses the domain's virtual CPUs; memory stays allocated.");
VKSH_CMD(vkshCmdResume, "resume", cmdResume, vkshOptsDomainOnly,
         "resume a domain",
         "Lets a paused domain run again.");
VKSH_CMD(vkshCmdSave, "save", cmdSave, optsSave,
         "save a domain state to a file",
         "Writes the running domain's memory to a file and stops it.");
VKSH_CMD(vkshCmdRestore, "restore", cmdRestore, optsRestore,
         "restore a domain from a saved state in a file",
         "Starts a domain again from a file written by save.");
VKSH_CMD(vkshCmdManagedSave, "managedsave", cmdManagedSave, optsManagedSave,
         "managed save of a domain state",
         "Saves the domain's state to a place the library manages; the next start resumes from it.");
