/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The APIs answered by the QEMU guest agent, and the agent's lifecycle.
 *
 * Whether the agent is there is the live definition's business: the
 * channel's <target state='connected|disconnected'/>, kept from QEMU's
 * VSERPORT_CHANGE events (the guest opened or closed its end of the
 * port) and saved with the status file, so a restarted daemon knows it
 * too.  A call then takes the domain's agent job (one agent call at a
 * time per domain, beside the monitor's job, as libvirt keeps them apart:
 * a slow guest never holds up QMP), drops the state lock, and runs its
 * exchange on a connection of its own (qemu-agent.c).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-agent.h"

#define AGENT_PORT "org.qemu.guest_agent.0"

/* The agent's channel in def and its index among the channels (its
 * QEMU id is channelN), or NULL. */
static vkDomainChrDef *
agentChannel(const vkDomainDef *def, int *index)
{
    GPtrArray *chrs = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CHR] : NULL;
    int n = 0;

    for (guint i = 0; chrs && i < chrs->len; i++) {
        vkDomainChrDef *c = chrs->pdata[i];

        if (c->kind != VK_DOMAIN_CHR_CHANNEL)
            continue;
        if (c->target && g_strcmp0(vkXmlElemGetAttr(c->target, "name"), AGENT_PORT) == 0) {
            if (index)
                *index = n;
            return c;
        }
        n++;
    }
    return NULL;
}

static const char *
channelPath(const vkDomainChrDef *c)
{
    for (guint i = 0; c->sources && i < c->sources->len; i++) {
        const char *p = vkXmlElemGetAttr(c->sources->pdata[i], "path");
        if (p)
            return p;
    }
    return NULL;
}

void
vkQemuAgentStartState(vkDomainDef *live)
{
    vkDomainChrDef *c = agentChannel(live, NULL);

    /* the guest cannot have opened its port before its first instruction */
    if (c && g_strcmp0(c->type, "unix") == 0)
        vkXmlElemSetAttr(c->target, "state", "disconnected");
}

void
vkQemuAgentPortEvent(vkQemuState *st, vkQemuDomain *obj, vkJSON *data)
{
    const char *id = vkJSONObjectGetString(data, "id");
    g_autofree char *alias = NULL;
    vkDomainChrDef *c;
    bool open = false;
    int index;

    if (!id || !(c = agentChannel(obj->def, &index)) ||
        vkJSONGetBool(vkJSONObjectGet(data, "open"), &open) < 0)
        return;
    alias = g_strdup_printf("channel%d", index);
    if (strcmp(id, alias) != 0)
        return;
    vkXmlElemSetAttr(c->target, "state", open ? "connected" : "disconnected");
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();      /* only a reattach would miss it */
    vkDomainEventQueueAgentLifecycle(st->base.events, obj->name, obj->uuid, obj->id,
                                     open ? VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED
                                          : VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_DISCONNECTED,
                                     VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL);
}

bool
vkQemuAgentConnected(const vkDomainDef *def)
{
    vkDomainChrDef *c = agentChannel(def, NULL);

    return c && g_strcmp0(vkXmlElemGetAttr(c->target, "state"), "connected") == 0;
}

/* One agent call in progress. */
typedef struct {
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuAgent *ag;
    int timeout;
} agentCall;

/* libvirt's checks, in its order: running, configured, connected; then
 * the agent job and the connection.  timeoutS is the call's own, or
 * AGENT_DOMAIN_TIMEOUT for the domain's (AgentSetResponseTimeout). */
#define AGENT_DOMAIN_TIMEOUT G_MININT

static int
agentBegin(virDomainPtr dom, agentCall *c, int timeoutS)
{
    g_autofree char *path = NULL;
    const vkDomainChrDef *chr;
    gint64 deadline;

    memset(c, 0, sizeof(*c));
    if (!(c->obj = vkQemuDomainGet(dom, &c->st)))
        return -1;
    vkQemuDomainRef(c->obj);
    if (!vkQemuCheckActive(c->obj))
        goto fail;
    if (c->obj->state != VIR_DOMAIN_RUNNING) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        goto fail;
    }
    if (!(chr = agentChannel(c->obj->def, NULL))) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s", "QEMU guest agent is not configured");
        goto fail;
    }
    if (g_strcmp0(vkXmlElemGetAttr(chr->target, "state"), "disconnected") == 0 ||
        g_strcmp0(chr->type, "unix") != 0 || !channelPath(chr)) {
        vkReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                      "Guest agent is not responding: QEMU guest agent is not connected");
        goto fail;
    }
    path = g_strdup(channelPath(chr));
    c->timeout = timeoutS != AGENT_DOMAIN_TIMEOUT ? timeoutS :
                 c->obj->agentTimeoutSet ? c->obj->agentTimeout : VK_QEMU_AGENT_BLOCK;
    deadline = g_get_monotonic_time() + (gint64)VK_QEMU_JOB_WAIT_MS * 1000;
    while (c->obj->agentJob) {
        if (!g_cond_wait_until(&c->st->jobCond, &c->st->lock, deadline)) {
            vkReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                          "cannot acquire state change lock (held by another agent call)");
            goto fail;
        }
    }
    c->obj->agentJob = true;
    g_mutex_unlock(&c->st->lock);
    if (!(c->ag = vkQemuAgentOpen(path, c->timeout))) {
        g_mutex_lock(&c->st->lock);
        c->obj->agentJob = false;
        g_cond_broadcast(&c->st->jobCond);
        goto fail;
    }
    return 0;

 fail:
    g_mutex_unlock(&c->st->lock);
    vkQemuDomainUnref(c->obj);
    return -1;
}

static void
agentEnd(agentCall *c)
{
    vkQemuAgentClose(c->ag);
    g_mutex_lock(&c->st->lock);
    c->obj->agentJob = false;
    g_cond_broadcast(&c->st->jobCond);
    g_mutex_unlock(&c->st->lock);
    vkQemuDomainUnref(c->obj);
}

/* One command through the domain's agent: begin, run, end. */
int
vkQemuAgentRun(virDomainPtr dom, const char *cmd, vkJSON *args, vkJSON **ret)
{
    agentCall c;
    int rc;

    if (agentBegin(dom, &c, AGENT_DOMAIN_TIMEOUT) < 0) {
        vkJSONFree(args);
        return -1;
    }
    rc = vkQemuAgentCommand(c.ag, cmd, args, ret, c.timeout, false);
    agentEnd(&c);
    return rc;
}

char *
vkQemuDomainQemuAgentCommand(virDomainPtr dom, const char *cmd, int timeout,
                             unsigned int flags)
{
    char *reply = NULL;
    agentCall c;

    vkCheckFlags(0, NULL);
    if (timeout < VIR_DOMAIN_QEMU_AGENT_COMMAND_MIN) {
        vkReportError(VIR_ERR_INVALID_ARG, "guest agent timeout '%d' is less than the "
                      "minimum '%d'", timeout, VIR_DOMAIN_QEMU_AGENT_COMMAND_MIN);
        return NULL;
    }
    if (agentBegin(dom, &c, timeout) < 0)
        return NULL;
    if (vkQemuAgentCommandRaw(c.ag, cmd, timeout, &reply) < 0)
        reply = NULL;
    agentEnd(&c);
    return reply;
}

int
vkQemuDomainAgentSetResponseTimeout(virDomainPtr dom, int timeout, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;

    vkCheckFlags(0, -1);
    if (timeout < VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK) {
        vkReportError(VIR_ERR_INVALID_ARG, "guest agent timeout '%d' is less than the "
                      "minimum '%d'", timeout, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK);
        return -1;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    obj->agentTimeout = timeout;
    obj->agentTimeoutSet = true;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkQemuDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                    unsigned int flags)
{
    g_autoptr(vkJSON) ret = NULL;
    long long ns;

    vkCheckFlags(0, -1);
    if (vkQemuAgentRun(dom, "guest-get-time", NULL, &ret) < 0)
        return -1;
    if (vkJSONGetInt64(ret, &ns) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "malformed return value of guest-get-time");
        return -1;
    }
    *seconds = ns / 1000000000LL;
    *nseconds = (unsigned int)(ns % 1000000000LL);
    return 0;
}

int
vkQemuDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                    unsigned int flags)
{
    vkJSON *args = NULL;

    vkCheckFlags(VIR_DOMAIN_TIME_SYNC, -1);
    if (!(flags & VIR_DOMAIN_TIME_SYNC)) {
        /* what fits in the agent's signed nanoseconds */
        if (nseconds > 999999999 || seconds < 0 || seconds > G_MAXINT64 / 1000000000LL - 1) {
            vkReportError(VIR_ERR_INVALID_ARG, "Time '%lld' is too big for guest agent",
                          seconds);
            return -1;
        }
        args = vkJSONNewObject();
        vkJSONObjectAppendInt(args, "time", seconds * 1000000000LL + nseconds);
    }
    return vkQemuAgentRun(dom, "guest-set-time", args, NULL);
}

char *
vkQemuDomainGetHostname(virDomainPtr dom, unsigned int flags)
{
    g_autoptr(vkJSON) ret = NULL;
    const char *name;

    vkCheckFlags(VIR_DOMAIN_GET_HOSTNAME_AGENT | VIR_DOMAIN_GET_HOSTNAME_LEASE, NULL);
    if (flags & VIR_DOMAIN_GET_HOSTNAME_LEASE) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "the hostname from DHCP leases is not supported by virtkit");
        return NULL;
    }
    if (vkQemuAgentRun(dom, "guest-get-host-name", NULL, &ret) < 0)
        return NULL;
    if (!(name = vkJSONObjectGetString(ret, "host-name"))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "malformed return value of guest-get-host-name");
        return NULL;
    }
    return g_strdup(name);
}

static int
countReturn(vkJSON *ret, const char *cmd)
{
    long long n;

    if (vkJSONGetInt64(ret, &n) < 0 || n < 0 || n > G_MAXINT) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "malformed return value of %s", cmd);
        return -1;
    }
    return (int)n;
}

int
vkQemuDomainFSFreeze(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                     unsigned int flags)
{
    g_autoptr(vkJSON) ret = NULL;
    const char *cmd = nmountpoints ? "guest-fsfreeze-freeze-list" : "guest-fsfreeze-freeze";
    vkJSON *args = NULL;

    vkCheckFlags(0, -1);
    if (nmountpoints) {
        vkJSON *arr = vkJSONNewArray();

        for (unsigned int i = 0; i < nmountpoints; i++)
            vkJSONArrayAppend(arr, vkJSONNewString(mountpoints[i]));
        args = vkJSONNewObject();
        vkJSONObjectAppend(args, "mountpoints", arr);
    }
    if (vkQemuAgentRun(dom, cmd, args, &ret) < 0)
        return -1;
    return countReturn(ret, cmd);
}

int
vkQemuDomainFSThaw(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                   unsigned int flags)
{
    g_autoptr(vkJSON) ret = NULL;

    vkCheckFlags(0, -1);
    /* the agent thaws everything or nothing (libvirt refuses a list too) */
    if (nmountpoints) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "specifying mountpoints is not supported");
        return -1;
    }
    (void)mountpoints;
    if (vkQemuAgentRun(dom, "guest-fsfreeze-thaw", NULL, &ret) < 0)
        return -1;
    return countReturn(ret, "guest-fsfreeze-thaw");
}

int
vkQemuDomainFSTrim(virDomainPtr dom, const char *mountPoint, unsigned long long minimum,
                   unsigned int flags)
{
    vkJSON *args;

    vkCheckFlags(0, -1);
    if (mountPoint) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "Specifying mount point is not supported for now");
        return -1;
    }
    args = vkJSONNewObject();
    vkJSONObjectAppend(args, "minimum", vkJSONNewUInt(minimum));
    return vkQemuAgentRun(dom, "guest-fstrim", args, NULL);
}

int
vkQemuDomainSetUserPassword(virDomainPtr dom, const char *user, const char *password,
                            unsigned int flags)
{
    g_autofree char *b64 = NULL;
    vkJSON *args;

    vkCheckFlags(VIR_DOMAIN_PASSWORD_ENCRYPTED, -1);
    b64 = g_base64_encode((const guchar *)password, strlen(password));
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "username", user);
    vkJSONObjectAppendString(args, "password", b64);
    vkJSONObjectAppendBool(args, "crypted", flags & VIR_DOMAIN_PASSWORD_ENCRYPTED);
    return vkQemuAgentRun(dom, "guest-set-user-password", args, NULL);
}

int
vkQemuAgentPowerOp(virDomainPtr dom, bool reboot, bool requested, bool otherAllowed)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkJSON *args;
    agentCall c;
    int rc;

    if (!requested) {
        /* libvirt prefers a connected agent when no method is named */
        bool connected;

        if (!(obj = vkQemuDomainGet(dom, &st)))
            return -1;
        connected = obj->id >= 0 && vkQemuAgentConnected(obj->def);
        g_mutex_unlock(&st->lock);
        if (!connected)
            return 1;
    }
    if (agentBegin(dom, &c, AGENT_DOMAIN_TIMEOUT) < 0)
        return requested && !otherAllowed ? -1 : (vkErrorReset(), 1);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "mode", reboot ? "reboot" : "powerdown");
    /* the agent answers only when it cannot do it */
    rc = vkQemuAgentCommand(c.ag, "guest-shutdown", args, NULL, c.timeout, true);
    agentEnd(&c);
    if (rc < 0 && otherAllowed) {
        vkErrorReset();
        return 1;
    }
    return rc;
}
