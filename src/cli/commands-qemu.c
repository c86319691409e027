/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-qemu.c: virsh's qemu-monitor-command, qemu-agent-command and
 * qemu-attach and qemu-monitor-event, the libvirt-qemu calls.  The words of the command are joined by spaces, as
 * virsh does; text that is not already a JSON object is wrapped the way
 * virsh wraps it: the first word is the command's name and the rest its
 * arguments, either one object or "key":value members joined by commas.
 * The shell has no JSON parser (it is a client of the public API only),
 * so "is an object" is read from the first character: what is not JSON
 * after all is QEMU's or the library's to refuse, with their error. */
#include <string.h>

#include "virtkit/virtkit-qemu.h"
#include "vksh.h"

static const vkshOptDef optsQemuMonitorCommand[] = {
    VKSH_OPT_DOMAIN,
    { "hmp", VKSH_OT_BOOL, 0, "command is in human monitor protocol" },
    { "pretty", VKSH_OT_BOOL, 0, "pretty-print any qemu monitor protocol output" },
    { "return-value", VKSH_OT_BOOL, 0,
      "extract the value of the 'return' key from the returned string" },
    /* before --pass-fds, which would otherwise take the first word */
    { "cmd", VKSH_OT_ARGV, VKSH_OFLAG_REQ, "command" },
    { "pass-fds", VKSH_OT_STRING, 0, "pass file descriptors N,M,... along with the command" },
    { NULL, 0, 0, NULL },
};

static bool
isObjectText(const char *s)
{
    while (g_ascii_isspace(*s))
        s++;
    return *s == '{';
}

/* virsh's wrapping of "name arg..." into a QMP command object. */
static char *
wrapCommand(const char *full)
{
    g_auto(GStrv) words = g_strsplit(full, " ", 2);
    const char *rest = words[0] && words[1] ? words[1] : NULL;

    if (isObjectText(full) || !words[0])
        return g_strdup(full);
    if (!rest)
        return g_strdup_printf("{\"execute\":\"%s\"}", words[0]);
    if (isObjectText(rest))
        return g_strdup_printf("{\"execute\":\"%s\",\"arguments\":%s}", words[0], rest);
    {
        g_auto(GStrv) args = g_strsplit(rest, " ", -1);
        g_autofree char *members = g_strjoinv(",", args);

        return g_strdup_printf("{\"execute\":\"%s\",\"arguments\":{%s}}", words[0], members);
    }
}

static bool
cmdQemuMonitorCommand(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    bool hmp = vkshOptBool(cmd, "hmp");
    g_autofree char *text = NULL;
    g_autofree char *result = NULL;

    if (!dom)
        return false;
    if (hmp && (vkshOptBool(cmd, "pretty") || vkshOptBool(cmd, "return-value"))) {
        vkshError(ctl, "Options --%s and --hmp are mutually exclusive",
                  vkshOptBool(cmd, "pretty") ? "pretty" : "return-value");
        return false;
    }
    /* Reformatting QMP's answer needs a JSON parser the shell does not
     * have; refused rather than printed unformatted. */
    if (vkshOptBool(cmd, "pretty") || vkshOptBool(cmd, "return-value")) {
        vkshError(ctl, "--%s is not supported by this shell",
                  vkshOptBool(cmd, "pretty") ? "pretty" : "return-value");
        return false;
    }
    if (vkshOptString(cmd, "pass-fds")) {
        vkshError(ctl, "%s", "--pass-fds is not supported by this shell");
        return false;
    }
    text = hmp ? g_strdup(vkshOptString(cmd, "cmd")) : wrapCommand(vkshOptString(cmd, "cmd"));
    if (virDomainQemuMonitorCommand(dom, text, &result,
                                    hmp ? VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP : 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s\n", result);
    return true;
}

static const vkshOptDef optsQemuAgentCommand[] = {
    VKSH_OPT_DOMAIN,
    /* before --timeout, which would otherwise take the first word */
    { "cmd", VKSH_OT_ARGV, VKSH_OFLAG_REQ, "command" },
    { "timeout", VKSH_OT_INT, 0, "timeout seconds. must be positive." },
    { "async", VKSH_OT_BOOL, 0,
      "execute command without waiting for timeout" },
    { "block", VKSH_OT_BOOL, 0, "execute command without timeout" },
    { "pretty", VKSH_OT_BOOL, 0, "pretty-print the output" },
    { NULL, 0, 0, NULL },
};

static bool
cmdQemuAgentCommand(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    int timeout = VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT;
    g_autofree char *result = NULL;
    int rc;

    if (!dom)
        return false;
    if (!vkshOptExclusive(ctl, cmd, "timeout", "async") ||
        !vkshOptExclusive(ctl, cmd, "timeout", "block") ||
        !vkshOptExclusive(ctl, cmd, "async", "block"))
        return false;
    if ((rc = vkshOptInt(ctl, cmd, "timeout", &timeout)) < 0)
        return false;
    if (rc > 0 && timeout < 1) {
        vkshError(ctl, "%s", "timeout value must be positive");
        return false;
    }
    if (vkshOptBool(cmd, "async"))
        timeout = VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT;
    if (vkshOptBool(cmd, "block"))
        timeout = VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK;
    if (vkshOptBool(cmd, "pretty")) {
        vkshError(ctl, "%s", "--pretty is not supported by this shell");
        return false;
    }
    if (!(result = virDomainQemuAgentCommand(dom, vkshOptString(cmd, "cmd"), timeout, 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s\n", result);
    return true;
}

static const vkshOptDef optsQemuAttach[] = {
    { "pid", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pid" },
    { NULL, 0, 0, NULL },
};

static bool
cmdQemuAttach(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *arg = vkshOptString(cmd, "pid");
    g_autoptr(virDomain) dom = NULL;
    guint64 pid;

    if (!g_ascii_string_to_unsigned(arg, 10, 1, G_MAXUINT, &pid, NULL)) {
        vkshError(ctl, "numeric value '%s' for <pid> option is malformed or out of range", arg);
        return false;
    }
    if (!(dom = virDomainQemuAttach(ctl->conn, (unsigned int)pid, 0))) {
        vkshError(ctl, "Failed to attach to pid %u", (unsigned int)pid);
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "Domain '%s' attached to pid %u\n", virDomainGetName(dom), (unsigned int)pid);
    return true;
}

/* ---- qemu-monitor-event ---- */

static const vkshOptDef optsQemuMonitorEvent[] = {
    { "domain", VKSH_OT_STRING, 0, "filter by domain name, id or uuid" },
    { "event", VKSH_OT_STRING, 0, "filter by event name" },
    { "pretty", VKSH_OT_BOOL, 0, "pretty-print any JSON output" },
    { "loop", VKSH_OT_BOOL, 0, "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", VKSH_OT_INT, 0, "timeout seconds" },
    { "regex", VKSH_OT_BOOL, 0, "treat event as a regex rather than literal filter" },
    { "no-case", VKSH_OT_BOOL, 0, "treat event case-insensitively" },
    { "timestamp", VKSH_OT_BOOL, 0, "show timestamp for each printed event" },
    { NULL, 0, 0, NULL },
};

static void
onQemuEvent(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, const char *event,
            long long seconds, unsigned int micros, const char *details, void *opaque)
{
    vkshEventWait *w = opaque;

    /* with --timestamp the prefix replaces QEMU's own time */
    if (w->timestamp)
        vkshEventPrint(w, "event %s for domain '%s': %s\n", event, virDomainGetName(dom),
                       details ? details : "<null>");
    else
        vkshEventPrint(w, "event %s at %lld.%06u for domain '%s': %s\n", event, seconds,
                       micros, virDomainGetName(dom), details ? details : "<null>");
}

static bool
cmdQemuMonitorEvent(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *domName = vkshOptString(cmd, "domain");
    vkshEventWait w = { ctl, vkshOptBool(cmd, "loop"), vkshOptBool(cmd, "timestamp"),
                        false, false, 0 };
    unsigned int flags = 0;
    g_autoptr(virDomain) dom = NULL;
    int timeout = 0, id;
    bool ok;

    if (vkshOptBool(cmd, "pretty")) {
        /* reformatting the event's JSON needs a parser the shell lacks */
        vkshError(ctl, "%s", "--pretty is not supported by this shell");
        return false;
    }
    if (vkshOptBool(cmd, "regex"))
        flags |= VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX;
    if (vkshOptBool(cmd, "no-case"))
        flags |= VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE;
    if (!vkshEventTimeout(ctl, cmd, &timeout) ||
        (domName && !(dom = vkshLookupDomain(ctl, domName, VKSH_BYANY))))
        return false;
    if ((id = virConnectDomainQemuMonitorEventRegister(ctl->conn, dom,
                                                        vkshOptString(cmd, "event"),
                                                        onQemuEvent, &w, NULL, flags)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    ok = vkshEventLoop(ctl, &w, timeout);
    virConnectDomainQemuMonitorEventDeregister(ctl->conn, id);
    return ok;
}

VKSH_CMD(vkshCmdQemuMonitorEvent, "qemu-monitor-event", cmdQemuMonitorEvent,
         optsQemuMonitorEvent, "QEMU Monitor Events", "Listen for QEMU Monitor Events");
VKSH_CMD(vkshCmdQemuMonitorCommand, "qemu-monitor-command", cmdQemuMonitorCommand,
         optsQemuMonitorCommand, "QEMU Monitor Command", "QEMU Monitor Command");
VKSH_CMD(vkshCmdQemuAgentCommand, "qemu-agent-command", cmdQemuAgentCommand,
         optsQemuAgentCommand, "QEMU Guest Agent Command", "QEMU Guest Agent Command");
VKSH_CMD(vkshCmdQemuAttach, "qemu-attach", cmdQemuAttach, optsQemuAttach, "QEMU Attach",
         "QEMU Attach");
