/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's log: where messages go (outputs) and which are kept
 * (filters), both in libvirt's syntax so virt-admin's daemon-log-outputs
 * and daemon-log-filters change them at run time:
 *   outputs  "PRIO:stderr", "PRIO:file:PATH", "PRIO:syslog:IDENT", "PRIO:journald"
 *   filters  "PRIO:NAME" -- NAME is a glob on the message's module
 *            ("daemon.server" for src/daemon/server.c); without '*' it
 *            matches anywhere in the name.
 * A message passes when its priority reaches the first matching filter's
 * (or the daemon's level: 1 with --verbose, else 3), then goes to every
 * output whose priority it reaches -- libvirt's rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

/* libvirt's log definitions are parsed with no error domain */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"
#include "daemon/admin.h"

typedef enum { OUT_STDERR, OUT_FILE, OUT_SYSLOG, OUT_JOURNALD } vkLogDest;

typedef struct {
    int prio;
    vkLogDest dest;
    char *data;         /* file path or syslog ident */
    int fd;             /* file and journald; -1 otherwise */
} vkLogOutput;

typedef struct {
    int prio;
    char *pattern;
} vkLogFilter;

static GMutex logLock;
static GPtrArray *outputs;      /* vkLogOutput*; NULL: the default */
static GPtrArray *filters;      /* vkLogFilter* */
static int defaultPrio = VK_LOG_WARN;
static char *syslogIdent;       /* openlog keeps the pointer */

static const char *const destNames[] = { "stderr", "file", "syslog", "journald" };

static void
outputFree(gpointer p)
{
    vkLogOutput *o = p;

    if (o->fd >= 0)
        close(o->fd);
    g_free(o->data);
    g_free(o);
}

static void
filterFree(gpointer p)
{
    vkLogFilter *f = p;

    g_free(f->pattern);
    g_free(f);
}

/* Debug messages are built only when something can keep them. */
static void
updateVerboseLocked(void)
{
    bool debug = defaultPrio == VK_LOG_DEBUG;

    for (guint i = 0; filters && i < filters->len; i++)
        debug |= ((vkLogFilter *)filters->pdata[i])->prio == VK_LOG_DEBUG;
    vkDaemonVerbose = debug;
}

void
vkDaemonLogInit(int level)
{
    g_mutex_lock(&logLock);
    defaultPrio = level;
    updateVerboseLocked();
    g_mutex_unlock(&logLock);
}

/* "PRIO:REST" -> prio, rest; what is the word for errors ("output" or
 * "filter"). */
static bool
parsePrio(const char *def, const char *what, int *prio, const char **rest)
{
    const char *colon = strchr(def, ':');
    g_autofree char *num = colon ? g_strndup(def, colon - def) : g_strdup(def);

    if (!colon || strlen(num) != 1 || num[0] < '1' || num[0] > '4') {
        vkReportError(VIR_ERR_INVALID_ARG, "Invalid priority '%s' for %s '%s'",
                      num, what, def);
        return false;
    }
    *prio = num[0] - '0';
    *rest = colon + 1;
    return true;
}

static int
journalSocket(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    strcpy(sa.sun_path, "/run/systemd/journal/socket");
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static vkLogOutput *
parseOutput(const char *def)
{
    g_autoptr(GPtrArray) hold = g_ptr_array_new_with_free_func(outputFree);
    vkLogOutput *o = g_new0(vkLogOutput, 1);
    const char *rest;
    const char *colon;
    g_autofree char *dest = NULL;
    size_t d;

    o->fd = -1;
    g_ptr_array_add(hold, o);
    if (!parsePrio(def, "output", &o->prio, &rest))
        return NULL;
    colon = strchr(rest, ':');
    dest = colon ? g_strndup(rest, colon - rest) : g_strdup(rest);
    for (d = 0; d < G_N_ELEMENTS(destNames) && !g_str_equal(dest, destNames[d]); d++)
        ;
    if (d == G_N_ELEMENTS(destNames)) {
        vkReportError(VIR_ERR_INVALID_ARG, "Invalid log destination '%s' for log output '%s'",
                      dest, def);
        return NULL;
    }
    o->dest = d;
    if ((d == OUT_FILE || d == OUT_SYSLOG) != (colon && colon[1])) {
        vkReportError(VIR_ERR_INVALID_ARG, "log output '%s': destination '%s' %s", def, dest,
                      colon && colon[1] ? "takes no argument" : "needs a name or path");
        return NULL;
    }
    if (colon)
        o->data = g_strdup(colon + 1);
    if (d == OUT_FILE && (o->fd = open(o->data, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                                       0600)) < 0) {
        vkReportError(VIR_ERR_SYSTEM_ERROR, "failed to open log file '%s': %s",
                      o->data, g_strerror(errno));
        return NULL;
    }
    if (d == OUT_JOURNALD && (o->fd = journalSocket()) < 0) {
        vkReportError(VIR_ERR_SYSTEM_ERROR, "%s", "cannot connect to the systemd journal");
        return NULL;
    }
    return g_ptr_array_steal_index(hold, 0);
}

/* Splits a space-separated definition list; NULL with an error reported
 * when one definition is bad. */
static GPtrArray *
parseList(const char *text, bool isOutput)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(isOutput ? outputFree
                                                                        : filterFree);
    g_auto(GStrv) words = g_strsplit_set(text ? text : "", " \t\n", -1);

    for (size_t i = 0; words[i]; i++) {
        const char *w = words[i];

        if (!*w)
            continue;
        if (isOutput) {
            vkLogOutput *o = parseOutput(w);
            if (!o)
                return NULL;
            g_ptr_array_add(list, o);
        } else {
            vkLogFilter *f;
            const char *name;
            int prio;

            if (!parsePrio(w, "filter", &prio, &name))
                return NULL;
            if (*name == '+')       /* libvirt's "with stack trace" mark */
                name++;
            if (!*name) {
                vkReportError(VIR_ERR_INVALID_ARG, "Missing name in filter '%s'", w);
                return NULL;
            }
            f = g_new0(vkLogFilter, 1);
            f->prio = prio;
            f->pattern = strchr(name, '*') ? g_strdup(name) : g_strdup_printf("*%s*", name);
            g_ptr_array_add(list, f);
        }
    }
    return g_steal_pointer(&list);
}

int
vkDaemonLogSetOutputs(const char *text)
{
    GPtrArray *list = parseList(text, true);

    if (!list)
        return -1;
    g_mutex_lock(&logLock);
    if (outputs)
        g_ptr_array_unref(outputs);
    outputs = list->len ? list : NULL;
    if (!list->len)
        g_ptr_array_unref(list);
    g_mutex_unlock(&logLock);
    return 0;
}

int
vkDaemonLogSetFilters(const char *text)
{
    GPtrArray *list = parseList(text, false);

    if (!list)
        return -1;
    g_mutex_lock(&logLock);
    if (filters)
        g_ptr_array_unref(filters);
    filters = list;
    updateVerboseLocked();
    g_mutex_unlock(&logLock);
    return 0;
}

char *
vkDaemonLogGetOutputs(unsigned int *count)
{
    GString *s = g_string_new(NULL);

    g_mutex_lock(&logLock);
    if (!outputs) {
        g_string_append_printf(s, "%d:stderr", defaultPrio);
        *count = 1;
    } else {
        for (guint i = 0; i < outputs->len; i++) {
            vkLogOutput *o = outputs->pdata[i];
            g_string_append_printf(s, "%s%d:%s%s%s", i ? " " : "", o->prio,
                                   destNames[o->dest], o->data ? ":" : "",
                                   o->data ? o->data : "");
        }
        *count = outputs->len;
    }
    g_mutex_unlock(&logLock);
    return g_string_free(s, FALSE);
}

char *
vkDaemonLogGetFilters(unsigned int *count)
{
    GString *s = g_string_new(NULL);

    g_mutex_lock(&logLock);
    *count = filters ? filters->len : 0;
    /* each one followed by a space, as libvirtd lists them */
    for (guint i = 0; filters && i < filters->len; i++) {
        vkLogFilter *f = filters->pdata[i];
        g_string_append_printf(s, "%d:%s ", f->prio, f->pattern);
    }
    g_mutex_unlock(&logLock);
    return g_string_free(s, FALSE);
}

/* "../src/daemon/dispatch/events.c" -> "daemon.dispatch.events" */
static char *
moduleOf(const char *file)
{
    const char *p = strstr(file, "src/");
    g_autofree char *m = g_strdup(p ? p + 4 : file);
    char *dot = strrchr(m, '.');

    if (dot)
        *dot = '\0';
    g_strdelimit(m, "/", '.');
    return g_steal_pointer(&m);
}

static void
writeOne(vkLogOutput *o, int prio, const char *line, const char *text)
{
    static const int sysPrio[] = { LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
    g_autofree char *entry = NULL;

    switch (o->dest) {
    case OUT_STDERR:
        fputs(line, stderr);
        break;
    case OUT_FILE:
        if (write(o->fd, line, strlen(line)) < 0) {
            /* nowhere better to say it */
        }
        break;
    case OUT_SYSLOG:
        if (g_strcmp0(syslogIdent, o->data) != 0) {
            closelog();
            g_free(syslogIdent);
            syslogIdent = g_strdup(o->data);
            openlog(syslogIdent, LOG_PID, LOG_DAEMON);
        }
        syslog(sysPrio[prio], "%s", text);
        break;
    case OUT_JOURNALD:
        entry = g_strdup_printf("PRIORITY=%d\nSYSLOG_IDENTIFIER=virtkitd\nMESSAGE=%s\n",
                                sysPrio[prio], text);
        g_strdelimit(entry + strlen(entry) - strlen(text) - 1, "\n", ' ');
        entry[strlen(entry) - 1] = '\n';
        if (send(o->fd, entry, strlen(entry), MSG_NOSIGNAL) < 0) {
            /* the journal went away: nothing to report to */
        }
        break;
    }
}

static void
logV(const char *file, int prio, const char *fmt, va_list ap)
{
    g_autofree char *module = moduleOf(file);
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;
    g_autofree char *stamp = NULL;
    g_autoptr(GDateTime) now = NULL;
    vkLogOutput fallback = { .dest = OUT_STDERR, .fd = -1 };
    int threshold;

    g_mutex_lock(&logLock);
    threshold = defaultPrio;
    for (guint i = 0; filters && i < filters->len; i++) {
        vkLogFilter *f = filters->pdata[i];
        if (g_pattern_match_simple(f->pattern, module)) {
            threshold = f->prio;
            break;
        }
    }
    if (prio < threshold) {
        g_mutex_unlock(&logLock);
        return;
    }
    text = g_strdup_vprintf(fmt, ap);
    now = g_date_time_new_now_local();
    stamp = g_date_time_format(now, "%F %T.%f");
    line = g_strdup_printf("%.23s virtkitd[%d]: %s%s\n", stamp, (int)getpid(),
                           prio == VK_LOG_DEBUG ? "debug: " : "", text);
    fallback.prio = defaultPrio;
    for (guint i = 0; i < (outputs ? outputs->len : 1); i++) {
        vkLogOutput *o = outputs ? outputs->pdata[i] : &fallback;
        if (prio >= o->prio)
            writeOne(o, prio, line, text);
    }
    g_mutex_unlock(&logLock);
}

void
vkDaemonLogAt(const char *file, int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    logV(file, prio, fmt, ap);
    va_end(ap);
}

void
vkDaemonLog(bool debug, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    logV("daemon", debug ? VK_LOG_DEBUG : VK_LOG_WARN, fmt, ap);
    va_end(ap);
}
