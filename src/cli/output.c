/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c: how the shell speaks — plain and "extra" (suppressed by --quiet)
 * output, `error: ` lines, virsh's state names and its aligned tables.
 * Library errors are captured by an error callback the moment they are
 * raised, because later calls (even freeing a handle) reset the thread's last
 * error before the shell gets round to printing it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vksh.h"

void
vkshPrint(vkshCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void
vkshPrintExtra(vkshCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl && ctl->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void
vkshError(vkshCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl)
        vkshSaveLibError(ctl);
    fflush(stdout);
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Registered with virSetErrorFunc: keep the newest error, print nothing. */
void
vkshErrorHandler(void *opaque, virErrorPtr err)
{
    vkshCtl *ctl = opaque;

    if (!ctl || !err || err->code == VIR_ERR_OK)
        return;
    g_free(ctl->error_msg);
    ctl->error_msg = g_strdup(err->message ? err->message : "unknown error");
    ctl->has_error = true;
}

/* For libraries that do not call the handler: copy the thread's error now. */
void
vkshSaveLibError(vkshCtl *ctl)
{
    virErrorPtr err = virGetLastError();

    if (err && err->code != VIR_ERR_OK)
        vkshErrorHandler(ctl, err);
}

void
vkshResetLibError(vkshCtl *ctl)
{
    g_clear_pointer(&ctl->error_msg, g_free);
    ctl->has_error = false;
    virResetLastError();
}

/* The last library call failed for want of the driver's support: where
 * virsh then tries an older call, so does the shell. */
bool
vkshNoSupport(void)
{
    virErrorPtr err = virGetLastError();

    return err && err->code == VIR_ERR_NO_SUPPORT;
}

void
vkshReportLibError(vkshCtl *ctl)
{
    vkshSaveLibError(ctl);
    if (ctl->has_error) {
        /* vkshError(ctl, ...) would save the library error again and free
         * the very string being printed: print a copy, without ctl */
        g_autofree char *msg = g_strdup(ctl->error_msg);
        vkshError(NULL, "%s", msg);
    }
    vkshResetLibError(ctl);
}

const char *
vkshStateToString(int state)
{
    switch ((virDomainState)state) {
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "idle";
    case VIR_DOMAIN_PAUSED: return "paused";
    case VIR_DOMAIN_SHUTDOWN: return "in shutdown";
    case VIR_DOMAIN_SHUTOFF: return "shut off";
    case VIR_DOMAIN_CRASHED: return "crashed";
    case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
    case VIR_DOMAIN_NOSTATE:
    default:
        return "no state";
    }
}

/* Reason names per state, indexed by libvirt's reason enum values. */
static const char *const runningReasons[] = {
    "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
    "migration canceled", "save canceled", "event wakeup", "crashed",
    "post-copy", "post-copy failed",
};
static const char *const pausedReasons[] = {
    "unknown", "user", "migrating", "saving", "dumping", "I/O error",
    "watchdog", "from snapshot", "shutting down", "creating snapshot",
    "crashed", "starting up", "post-copy", "post-copy failed", "api error",
};
static const char *const shutdownReasons[] = { "unknown", "user" };
static const char *const shutoffReasons[] = {
    "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved",
    "failed", "from snapshot", "daemon",
};
static const char *const crashedReasons[] = { "unknown", "panicked" };

const char *
vkshEnumName(const char *const *table, size_t n, int value, const char *fallback)
{
    return value >= 0 && (size_t)value < n ? table[value] : fallback;
}

#define PICK(table, i) VKSH_ENUM_NAME(table, i, "unknown")

const char *
vkshStateReasonToString(int state, int reason)
{
    switch (state) {
    case VIR_DOMAIN_RUNNING: return PICK(runningReasons, reason);
    case VIR_DOMAIN_PAUSED: return PICK(pausedReasons, reason);
    case VIR_DOMAIN_SHUTDOWN: return PICK(shutdownReasons, reason);
    case VIR_DOMAIN_SHUTOFF: return PICK(shutoffReasons, reason);
    case VIR_DOMAIN_CRASHED: return PICK(crashedReasons, reason);
    default: return "unknown";
    }
}

/* A table prints like virsh's: a leading space, columns three spaces apart,
 * every column but the last padded to its widest cell, and under the header
 * a dash line two longer than the full (padded) width. In quiet mode the header (and so
 * its width) is left out. */
struct _vkshTable {
    GPtrArray *rows;    /* of GPtrArray of char* */
};

static GPtrArray *
tableRow(const char *first, va_list ap)
{
    GPtrArray *row = g_ptr_array_new_with_free_func(g_free);

    for (const char *s = first; s; s = va_arg(ap, const char *))
        g_ptr_array_add(row, g_strdup(s));
    return row;
}

vkshTable *
vkshTableNew(const char *first, ...)
{
    vkshTable *t = g_new0(vkshTable, 1);
    va_list ap;

    t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    va_start(ap, first);
    g_ptr_array_add(t->rows, tableRow(first, ap));
    va_end(ap);
    return t;
}

void
vkshTableAddRow(vkshTable *t, const char *first, ...)
{
    va_list ap;

    va_start(ap, first);
    g_ptr_array_add(t->rows, tableRow(first, ap));
    va_end(ap);
}

static void
printRow(GString *out, GPtrArray *row, const size_t *widths)
{
    g_string_append_c(out, ' ');
    for (size_t c = 0; c < row->len; c++) {
        const char *cell = g_ptr_array_index(row, c);

        g_string_append(out, cell);
        if (c + 1 < row->len) {
            for (size_t n = g_utf8_strlen(cell, -1); n < widths[c] + 3; n++)
                g_string_append_c(out, ' ');
        }
    }
    g_string_append_c(out, '\n');
}

void
vkshTablePrint(vkshCtl *ctl, vkshTable *t)
{
    GPtrArray *header = g_ptr_array_index(t->rows, 0);
    g_autofree size_t *widths = g_new0(size_t, header->len);
    g_autoptr(GString) out = g_string_new(NULL);
    size_t first = ctl->quiet ? 1 : 0;

    for (size_t r = first; r < t->rows->len; r++) {
        GPtrArray *row = g_ptr_array_index(t->rows, r);

        for (size_t c = 0; c < row->len && c < header->len; c++)
            widths[c] = MAX(widths[c],
                            (size_t)g_utf8_strlen(g_ptr_array_index(row, c), -1));
    }
    if (!ctl->quiet) {
        size_t len = 1 + 3 * (header->len - 1);

        for (size_t c = 0; c < header->len; c++)
            len += widths[c];
        printRow(out, header, widths);
        for (size_t i = 0; i < len + 2; i++)
            g_string_append_c(out, '-');
        g_string_append_c(out, '\n');
    }
    for (size_t r = 1; r < t->rows->len; r++)
        printRow(out, g_ptr_array_index(t->rows, r), widths);
    fputs(out->str, stdout);
}

void
vkshTableFree(vkshTable *t)
{
    if (!t)
        return;
    g_ptr_array_unref(t->rows);
    g_free(t);
}

/* virsh tries a UUID lookup only for the 36-character dashed form. */
static bool
looksLikeUUID(const char *s)
{
    size_t hex = 0;

    if (strlen(s) != VIR_UUID_STRING_BUFLEN - 1)
        return false;

    for (; *s; s++) {
        if (g_ascii_isxdigit(*s))
            hex++;
        else if (*s != '-')
            return false;
    }
    return hex == 32;
}

virDomainPtr
vkshLookupDomain(vkshCtl *ctl, const char *name, unsigned int by)
{
    virDomainPtr dom = NULL;
    char *end = NULL;
    long id;

    if (!ctl->conn) {
        vkshError(ctl, "no valid connection");
        return NULL;
    }
    if (by & VKSH_BYID) {
        id = strtol(name, &end, 10);
        if (*name && !*end && id >= 0 && id <= G_MAXINT)
            dom = virDomainLookupByID(ctl->conn, (int)id);
    }
    if (!dom && (by & VKSH_BYUUID) && looksLikeUUID(name))
        dom = virDomainLookupByUUIDString(ctl->conn, name);
    if (!dom && (by & VKSH_BYNAME))
        dom = virDomainLookupByName(ctl->conn, name);
    if (!dom) {
        /* As virsh: the one line says it all; drop "Domain not found". */
        vkshResetLibError(ctl);
        vkshError(ctl, "failed to get domain '%s'", name);
    } else {
        vkshResetLibError(ctl);
    }
    return dom;
}

virDomainPtr
vkshCommandDomain(vkshCtl *ctl, const vkshCmd *cmd, const char **name,
                  unsigned int by)
{
    const char *n = vkshOptString(cmd, "domain");

    if (name)
        *name = n;
    if (!n)
        return NULL;
    return vkshLookupDomain(ctl, n, by);
}

char *
vkshReadFile(vkshCtl *ctl, const char *path)
{
    g_autoptr(GError) gerr = NULL;
    char *data = NULL;

    if (!g_file_get_contents(path, &data, NULL, &gerr)) {
        int err = gerr->domain == G_FILE_ERROR ? 0 : EIO;
        const char *why;

        switch (gerr->code) {
        case G_FILE_ERROR_NOENT: err = ENOENT; break;
        case G_FILE_ERROR_ACCES: err = EACCES; break;
        case G_FILE_ERROR_ISDIR: err = EISDIR; break;
        default: break;
        }
        why = err ? g_strerror(err) : gerr->message;
        vkshError(ctl, "Failed to open file '%s': %s", path, why);
        return NULL;
    }
    return data;
}

const vkshObjectCall *
vkshObjectCallFind(const vkshObjectCall *table, size_t n, const vkshCmd *cmd)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].cmd, cmd->def->name) == 0)
            return &table[i];
    }
    g_assert_not_reached();
}

bool
vkshObjectCallEnd(vkshCtl *ctl, const vkshObjectCall *c, const char *name, int rc)
{
    if (rc < 0) {
        vkshError(ctl, c->failed, name);
        return false;
    }
    vkshPrintExtra(ctl, c->done, name);
    return true;
}
