/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OpenVZ driver's domain calls, each mapped onto vzctl/vzlist.
 *
 * The idea: ask the tools every time (vzlist for what runs, ctid.conf for
 * the definition) and let vzctl be the judge of whether an operation is
 * allowed -- its exit code becomes the error (openvz-tools.c).  The driver
 * checks state itself only where vzctl reports success for a no-op
 * (`vzctl stop` of a stopped container exits 0), and it remembers which
 * containers it froze, since vzlist still shows those as running.
 * Calls run under the state lock, one tool at a time per root.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_OPENVZ
#include "util/error.h"
#include "util/uuid.h"
#include "core/domain-list.h"
#include "drivers/openvz/openvz-private.h"

static vkOpenvzState *
connState(virConnectPtr conn)
{
    return conn->privateData;
}

static void
emit(vkOpenvzState *st, int ctid, const unsigned char *uuid, bool running,
     int event, int detail)
{
    g_autofree char *name = g_strdup_printf("%d", ctid);

    vkDomainEventQueueLifecycle(st->events, name, uuid, running ? ctid : -1, event, detail);
}

/* Drops the "frozen by us" marker of a CT that is no longer running; a
 * marker that cannot be removed is reported as a warning only: it is
 * consulted just for running containers, and every start clears it. */
static void
forgetFrozen(vkOpenvzState *st, int ctid)
{
    if (vkOpenvzFrozenGet(st, ctid) && vkOpenvzFrozenSet(st, ctid, false) < 0) {
        g_warning("OpenVZ driver: %s", vkErrorGetLast()->message);
        vkErrorReset();
    }
}

/* The domain's CT ID, locked, after checking that its config exists. */
static int
domBegin(virDomainPtr dom, vkOpenvzState **stp)
{
    vkOpenvzState *st = connState(dom->conn);
    g_autofree char *path = NULL;
    int ctid = vkOpenvzNameToCtid(dom->name);

    if (ctid < 0)
        return -1;
    g_mutex_lock(&st->lock);
    path = vkOpenvzConfPath(st, ctid);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container '%s'", dom->name);
        return -1;
    }
    *stp = st;
    return ctid;
}

static virDomainPtr
makeHandle(virConnectPtr conn, vkOpenvzState *st, int ctid, bool running)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    g_autofree char *name = g_strdup_printf("%d", ctid);

    if (vkOpenvzGetUUID(st, ctid, uuid) < 0)
        return NULL;
    return vkGetDomain(conn, name, uuid, running ? ctid : -1);
}

/* Every container vzlist knows that has a config here. */
static GArray *
listAll(vkOpenvzState *st)
{
    GArray *list;

    if (vkOpenvzList(st, -1, &list) < 0)
        return NULL;
    for (guint i = 0; i < list->len; i++) {
        vkOpenvzListEntry *e = &g_array_index(list, vkOpenvzListEntry, i);

        if (!e->running)
            forgetFrozen(st, e->ctid);
    }
    return list;
}

static bool
autostartOf(vkOpenvzState *st, int ctid)
{
    g_autoptr(vkOpenvzConf) conf = vkOpenvzReadConf(st, ctid);
    const char *v;

    if (!conf) {
        vkErrorReset();
        return false;
    }
    v = vkOpenvzConfGet(conf, "ONBOOT");
    return v && strcmp(v, "yes") == 0;
}

int
vkOpenvzConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                              unsigned int flags)
{
    vkOpenvzState *st = connState(conn);
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    GArray *list;
    int n;

    vkCheckFlags(0xffff, -1);
    g_mutex_lock(&st->lock);
    if (!(list = listAll(st))) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    for (guint i = 0; i < list->len; i++) {
        vkOpenvzListEntry *e = &g_array_index(list, vkOpenvzListEntry, i);
        bool frozen = e->running && vkOpenvzFrozenGet(st, e->ctid);
        virDomainPtr d;

        /* Every container is persistent (its ctid.conf outlives it); none
         * has a managed save image. */
        vkDomainFilterFacts facts = {
            .active = e->running,
            .persistent = true,
            .state = !e->running ? VIR_DOMAIN_SHUTOFF
                     : frozen ? VIR_DOMAIN_PAUSED : VIR_DOMAIN_RUNNING,
        };

        /* ctid.conf is read only when the flags ask about autostart */
        if (flags & (VIR_CONNECT_LIST_DOMAINS_AUTOSTART | VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART))
            facts.autostart = autostartOf(st, e->ctid);
        if (!vkDomainListFilterMatch(flags, &facts))
            continue;
        if (!(d = makeHandle(conn, st, e->ctid, e->running))) {
            vkErrorReset();     /* removed meanwhile */
            continue;
        }
        g_ptr_array_add(out, d);
    }
    vkOpenvzListFree(list);
    g_mutex_unlock(&st->lock);
    n = out->len;
    if (domains) {
        g_ptr_array_add(out, NULL);
        *domains = (virDomainPtr *)g_ptr_array_steal(out, NULL);
    } else {
        for (guint i = 0; i < out->len; i++)
            vkDomainUnref(out->pdata[i]);
    }
    return n;
}

static int
listIds(virConnectPtr conn, bool running, int *ids, char **const names, int max)
{
    vkOpenvzState *st = connState(conn);
    GArray *list;
    int n = 0;

    g_mutex_lock(&st->lock);
    list = listAll(st);
    g_mutex_unlock(&st->lock);
    if (!list)
        return -1;
    for (guint i = 0; i < list->len && (n < max || (!ids && !names)); i++) {
        vkOpenvzListEntry *e = &g_array_index(list, vkOpenvzListEntry, i);

        if (e->running != running)
            continue;
        if (ids)
            ids[n] = e->ctid;
        else if (names)
            names[n] = g_strdup_printf("%d", e->ctid);
        n++;
    }
    vkOpenvzListFree(list);
    return n;
}

int
vkOpenvzConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    return listIds(conn, true, ids, NULL, maxids);
}

int
vkOpenvzConnectNumOfDomains(virConnectPtr conn)
{
    return listIds(conn, true, NULL, NULL, 0);
}

int
vkOpenvzConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    return listIds(conn, false, NULL, names, maxnames);
}

int
vkOpenvzConnectNumOfDefinedDomains(virConnectPtr conn)
{
    return listIds(conn, false, NULL, NULL, 0);
}

static virDomainPtr
lookupCtid(virConnectPtr conn, int ctid, bool mustRun, const char *what)
{
    vkOpenvzState *st = connState(conn);
    virDomainPtr ret = NULL;
    int running;

    g_mutex_lock(&st->lock);
    running = vkOpenvzIsRunning(st, ctid);
    if (running == -1 || (mustRun && running == 0)) {
        vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container with %s", what);
    } else if (running >= 0) {
        g_autofree char *path = vkOpenvzConfPath(st, ctid);

        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container with %s", what);
        else
            ret = makeHandle(conn, st, ctid, running == 1);
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkOpenvzDomainLookupByID(virConnectPtr conn, int id)
{
    g_autofree char *what = g_strdup_printf("id %d", id);

    if (id < VK_OPENVZ_MIN_CTID) {
        vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container with %s", what);
        return NULL;
    }
    return lookupCtid(conn, id, true, what);
}

virDomainPtr
vkOpenvzDomainLookupByName(virConnectPtr conn, const char *name)
{
    g_autofree char *what = g_strdup_printf("name '%s'", name);
    guint64 v;

    if (!g_ascii_string_to_unsigned(name, 10, VK_OPENVZ_MIN_CTID, VK_OPENVZ_MAX_CTID,
                                    &v, NULL)) {
        vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container with %s", what);
        return NULL;
    }
    return lookupCtid(conn, (int)v, false, what);
}

virDomainPtr
vkOpenvzDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkOpenvzState *st = connState(conn);
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainPtr ret = NULL;
    GArray *list;

    g_mutex_lock(&st->lock);
    if ((list = listAll(st))) {
        for (guint i = 0; i < list->len && !ret; i++) {
            vkOpenvzListEntry *e = &g_array_index(list, vkOpenvzListEntry, i);
            unsigned char u[VIR_UUID_BUFLEN];

            if (vkOpenvzGetUUID(st, e->ctid, u) == 0 && memcmp(u, uuid, VIR_UUID_BUFLEN) == 0)
                ret = makeHandle(conn, st, e->ctid, e->running);
        }
        vkOpenvzListFree(list);
        if (!ret)
            vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container with uuid '%s'",
                          vkUUIDFormat(uuid, uuidstr));
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

/* The definition from ctid.conf; called locked. */
static vkDomainDef *
readDef(vkOpenvzState *st, int ctid)
{
    g_autoptr(vkOpenvzConf) conf = vkOpenvzReadConf(st, ctid);
    unsigned char uuid[VIR_UUID_BUFLEN];

    if (!conf || vkOpenvzGetUUID(st, ctid, uuid) < 0)
        return NULL;
    return vkOpenvzConfToDef(ctid, conf, uuid);
}

/* CPU time from /proc/vz/vestat: user, nice and system jiffies. */
static unsigned long long
cpuTime(vkOpenvzState *st, int ctid)
{
    g_autofree char *path = g_build_filename(st->root, "proc", "vz", "vestat", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    long hz = sysconf(_SC_CLK_TCK);

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        unsigned long long id, user, nice, sys;

        if (sscanf(*l, "%llu %llu %llu %llu", &id, &user, &nice, &sys) == 4 &&
            id == (unsigned long long)ctid)
            return (user + nice + sys) * (1000000000ULL / (hz > 0 ? hz : 100));
    }
    return 0;
}

/* state for vkOpenvzIsRunning's answer; called locked. */
static int
stateOf(vkOpenvzState *st, int ctid, int running)
{
    if (running != 1) {
        forgetFrozen(st, ctid);
        return VIR_DOMAIN_SHUTOFF;
    }
    return vkOpenvzFrozenGet(st, ctid) ? VIR_DOMAIN_PAUSED : VIR_DOMAIN_RUNNING;
}

int
vkOpenvzDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vkOpenvzState *st;
    g_autoptr(vkDomainDef) def = NULL;
    int ctid = domBegin(dom, &st);
    int running;

    if (ctid < 0)
        return -1;
    running = vkOpenvzIsRunning(st, ctid);
    if (running < -1 || !(def = readDef(st, ctid))) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    memset(info, 0, sizeof(*info));
    info->state = stateOf(st, ctid, running);
    info->maxMem = def->maxMemory;
    info->memory = def->maxMemory;
    info->nrVirtCpu = def->vcpus ? def->vcpus : def->maxVcpus;
    info->cpuTime = running == 1 ? cpuTime(st, ctid) : 0;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkOpenvzDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    vkOpenvzState *st;
    int ctid, running;

    vkCheckFlags(0, -1);
    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    running = vkOpenvzIsRunning(st, ctid);
    if (running < -1) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    *state = stateOf(st, ctid, running);
    if (reason)
        *reason = *state == VIR_DOMAIN_RUNNING ? VIR_DOMAIN_RUNNING_BOOTED :
                  *state == VIR_DOMAIN_PAUSED ? VIR_DOMAIN_PAUSED_USER :
                  VIR_DOMAIN_SHUTOFF_UNKNOWN;
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkOpenvzDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkOpenvzState *st;
    g_autoptr(vkDomainDef) def = NULL;
    int ctid, running;

    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                 VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    if ((ctid = domBegin(dom, &st)) < 0)
        return NULL;
    running = vkOpenvzIsRunning(st, ctid);
    def = readDef(st, ctid);
    g_mutex_unlock(&st->lock);
    if (!def || running < -1)
        return NULL;
    if (running == 1 && !(flags & VIR_DOMAIN_XML_INACTIVE))
        def->id = ctid;
    return vkDomainDefFormat(def, flags);
}

char *
vkOpenvzDomainGetOSType(virDomainPtr dom)
{
    return g_strdup("exe");
}

unsigned long
vkOpenvzDomainGetMaxMemory(virDomainPtr dom)
{
    virDomainInfo info;

    return vkOpenvzDomainGetInfo(dom, &info) < 0 ? 0 : info.maxMem;
}

int
vkOpenvzDomainIsActive(virDomainPtr dom)
{
    vkOpenvzState *st;
    int ctid = domBegin(dom, &st);
    int running;

    if (ctid < 0)
        return -1;
    running = vkOpenvzIsRunning(st, ctid);
    g_mutex_unlock(&st->lock);
    return running < -1 ? -1 : running == 1;
}

int
vkOpenvzDomainIsPersistent(virDomainPtr dom)
{
    vkOpenvzState *st;

    if (domBegin(dom, &st) < 0)
        return -1;
    g_mutex_unlock(&st->lock);
    return 1;
}

/* vzctl COMMAND CTID [args...]; called locked. */
static int
ctl(vkOpenvzState *st, const char *command, int ctid, const char *const *extra)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(argv, g_strdup(command));
    g_ptr_array_add(argv, g_strdup_printf("%d", ctid));
    for (size_t i = 0; extra && extra[i]; i++)
        g_ptr_array_add(argv, g_strdup(extra[i]));
    g_ptr_array_add(argv, NULL);
    return vkOpenvzCtl(st, (const char *const *)argv->pdata);
}

virDomainPtr
vkOpenvzDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkOpenvzState *st = connState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(GPtrArray) setArgs = NULL;
    g_autofree char *path = NULL;
    const char *tmpl;
    virDomainPtr ret = NULL;
    int ctid;

    vkCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    if (!(def = vkDomainDefParseString(xml, "openvz",
                                       VK_DOMAIN_PARSE_INACTIVE |
                                       ((flags & VIR_DOMAIN_DEFINE_VALIDATE) ?
                                        VK_DOMAIN_PARSE_VALIDATE : 0))))
        return NULL;
    if ((ctid = vkOpenvzNameToCtid(def->name)) < 0 ||
        !(setArgs = vkOpenvzDefToSetArgs(def)))
        return NULL;
    g_ptr_array_add(setArgs, g_strdup("--save"));
    g_ptr_array_add(setArgs, NULL);

    g_mutex_lock(&st->lock);
    path = vkOpenvzConfPath(st, ctid);
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        /* Redefining an existing container: vzctl set only. */
        unsigned char uuid[VIR_UUID_BUFLEN];

        if (vkOpenvzGetUUID(st, ctid, uuid) < 0)
            goto out;
        if (memcmp(uuid, def->uuid, VIR_UUID_BUFLEN) != 0) {
            char s[VIR_UUID_STRING_BUFLEN];

            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "domain '%s' is already defined with uuid %s",
                          def->name, vkUUIDFormat(uuid, s));
            goto out;
        }
    } else {
        const char *createArgs[] = { "--ostemplate", NULL, NULL };

        /* No template: vzctl falls back to DEF_OSTEMPLATE of vz.conf. */
        if ((tmpl = vkOpenvzDefTemplate(def)))
            createArgs[1] = tmpl;
        else
            createArgs[0] = NULL;
        if (ctl(st, "create", ctid, createArgs) < 0)
            goto out;
        if (vkOpenvzWriteUUID(st, ctid, def->uuid) < 0)
            goto out;
    }
    if (ctl(st, "set", ctid, (const char *const *)setArgs->pdata) < 0)
        goto out;
    emit(st, ctid, def->uuid, false, VIR_DOMAIN_EVENT_DEFINED,
         VIR_DOMAIN_EVENT_DEFINED_ADDED);
    ret = makeHandle(conn, st, ctid, vkOpenvzIsRunning(st, ctid) == 1);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkOpenvzDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return vkOpenvzDomainDefineXMLFlags(conn, xml, 0);
}

int
vkOpenvzDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    vkOpenvzState *st;
    int ctid, ret;

    vkCheckFlags(0, -1);
    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    /* vzctl refuses to destroy a running container (exit 32). */
    if ((ret = ctl(st, "destroy", ctid, NULL)) == 0) {
        forgetFrozen(st, ctid);
        emit(st, ctid, dom->uuid, false, VIR_DOMAIN_EVENT_UNDEFINED,
             VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkOpenvzDomainUndefine(virDomainPtr dom)
{
    return vkOpenvzDomainUndefineFlags(dom, 0);
}

int
vkOpenvzDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    vkOpenvzState *st;
    int ctid, ret;

    vkCheckFlags(0, -1);
    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    /* No state check here: vzctl says "already running" itself. */
    if ((ret = ctl(st, "start", ctid, NULL)) == 0) {
        forgetFrozen(st, ctid);
        dom->id = ctid;
        emit(st, ctid, dom->uuid, true, VIR_DOMAIN_EVENT_STARTED,
             VIR_DOMAIN_EVENT_STARTED_BOOTED);
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkOpenvzDomainCreate(virDomainPtr dom)
{
    return vkOpenvzDomainCreateWithFlags(dom, 0);
}

virDomainPtr
vkOpenvzDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    virDomainPtr dom;

    vkCheckFlags(0, NULL);
    /* OpenVZ has no transient containers: define, then start. */
    if (!(dom = vkOpenvzDomainDefineXMLFlags(conn, xml, 0)))
        return NULL;
    if (vkOpenvzDomainCreateWithFlags(dom, 0) < 0) {
        vkDomainUnref(dom);
        return NULL;
    }
    return dom;
}

/* vzctl stop [--fast]: vzctl exits 0 for a stopped container, so the
 * state is checked first. */
static int
stopCt(virDomainPtr dom, bool fast, int detail)
{
    const char *fastArgs[] = { "--fast", NULL };
    vkOpenvzState *st;
    int ctid, running, ret = -1;

    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    running = vkOpenvzIsRunning(st, ctid);
    if (running == 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->name);
    } else if (running == 1 && ctl(st, "stop", ctid, fast ? fastArgs : NULL) == 0) {
        forgetFrozen(st, ctid);
        dom->id = -1;
        emit(st, ctid, dom->uuid, false, VIR_DOMAIN_EVENT_STOPPED, detail);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkOpenvzDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return stopCt(dom, false, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
}

int
vkOpenvzDomainShutdown(virDomainPtr dom)
{
    return vkOpenvzDomainShutdownFlags(dom, 0);
}

int
vkOpenvzDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return stopCt(dom, true, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
}

int
vkOpenvzDomainDestroy(virDomainPtr dom)
{
    return vkOpenvzDomainDestroyFlags(dom, 0);
}

int
vkOpenvzDomainReboot(virDomainPtr dom, unsigned int flags)
{
    vkOpenvzState *st;
    int ctid, running, ret = -1;

    vkCheckFlags(0, -1);
    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    running = vkOpenvzIsRunning(st, ctid);
    if (running == 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->name);
    } else if (running == 1 && ctl(st, "restart", ctid, NULL) == 0) {
        forgetFrozen(st, ctid);
        vkDomainEventQueueReboot(st->events, dom->name, dom->uuid, ctid);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
chkpnt(virDomainPtr dom, bool suspend)
{
    const char *args[] = { suspend ? "--suspend" : "--resume", NULL };
    vkOpenvzState *st;
    int ctid, ret = -1;
    bool frozen;

    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    frozen = vkOpenvzFrozenGet(st, ctid);
    if (frozen == suspend && vkOpenvzIsRunning(st, ctid) == 1) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is %s", dom->name,
                      suspend ? "already paused" : "not paused");
    } else if (suspend && vkOpenvzFrozenSet(st, ctid, true) < 0) {
        /* recorded first: a container frozen without the record would
         * look running to every later call */
    } else if (ctl(st, "chkpnt", ctid, args) != 0) {
        if (suspend) {
            virErrorPtr saved = vkErrorSave();

            forgetFrozen(st, ctid);
            vkErrorRestore(&saved);
        }
    } else if (!suspend && vkOpenvzFrozenSet(st, ctid, false) < 0) {
        /* resumed, but later calls would still say paused: tell now */
    } else {
        emit(st, ctid, dom->uuid, true,
             suspend ? VIR_DOMAIN_EVENT_SUSPENDED : VIR_DOMAIN_EVENT_RESUMED,
             suspend ? VIR_DOMAIN_EVENT_SUSPENDED_PAUSED : VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkOpenvzDomainSuspend(virDomainPtr dom)
{
    return chkpnt(dom, true);
}

int
vkOpenvzDomainResume(virDomainPtr dom)
{
    return chkpnt(dom, false);
}

/* vzctl set CTID OPTION VALUE --save: applies now if running and on the
 * next start anyway, so LIVE and CONFIG are one thing here. */
static int
setSaved(virDomainPtr dom, const char *option, const char *value)
{
    const char *args[] = { option, value, "--save", NULL };
    vkOpenvzState *st;
    int ctid, ret;

    if ((ctid = domBegin(dom, &st)) < 0)
        return -1;
    ret = ctl(st, "set", ctid, args);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkOpenvzDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus, unsigned int flags)
{
    g_autofree char *v = g_strdup_printf("%u", nvcpus);

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (nvcpus == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "domain '%s': vcpu count must be at least 1",
                      dom->name);
        return -1;
    }
    return setSaved(dom, "--cpus", v);
}

int
vkOpenvzDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus)
{
    return vkOpenvzDomainSetVcpusFlags(dom, nvcpus, 0);
}

int
vkOpenvzDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory, unsigned int flags)
{
    g_autofree char *v = g_strdup_printf("%luK", memory);

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                 VIR_DOMAIN_MEM_MAXIMUM, -1);
    if (memory < 4) {
        vkReportError(VIR_ERR_INVALID_ARG, "domain '%s': memory %lu KiB is below one page",
                      dom->name, memory);
        return -1;
    }
    return setSaved(dom, "--ram", v);
}

int
vkOpenvzDomainSetMemory(virDomainPtr dom, unsigned long memory)
{
    return vkOpenvzDomainSetMemoryFlags(dom, memory, 0);
}

int
vkOpenvzDomainGetAutostart(virDomainPtr dom, int *autostart)
{
    vkOpenvzState *st;
    int ctid = domBegin(dom, &st);

    if (ctid < 0)
        return -1;
    *autostart = autostartOf(st, ctid);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkOpenvzDomainSetAutostart(virDomainPtr dom, int autostart)
{
    return setSaved(dom, "--onboot", autostart ? "yes" : "no");
}
