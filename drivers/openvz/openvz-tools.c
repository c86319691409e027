/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Talking to OpenVZ: running vzctl and vzlist, reading ctid.conf files.
 *
 * The idea: vzctl's exit code says what went wrong (vzctl(8), EXIT
 * STATUS) and its last line says it in words, so a failure becomes one
 * error carrying both.  vzctl runs without --quiet on purpose: --quiet
 * silences its error messages too, which would leave only a number.
 * vzlist runs with -H and a fixed -o list, so its columns are known.
 * The one thing no tool tells, which containers the driver froze, is kept
 * in marker files (see openvz-private.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_OPENVZ
#include "util/error.h"
#include "util/uuid.h"
#include "util/atomic-file.h"
#include "drivers/openvz/openvz-private.h"

/* vzctl exit codes that mean "not in a state for this", not a failure. */
static const int invalidCodes[] = {
    14,    /* container config file does not exist */
    31,    /* container not running */
    32,    /* container already running */
    43,    /* container private area not found */
    44,    /* container private area already exists */
    105,   /* container start disabled */
};

static bool
isInvalidCode(int code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(invalidCodes); i++) {
        if (invalidCodes[i] == code)
            return true;
    }
    return false;
}

/* The last non-blank line of text, trimmed; NULL when none. */
static char *
lastLine(const char *text)
{
    g_auto(GStrv) lines = NULL;

    if (!text)
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (int i = (int)g_strv_length(lines) - 1; i >= 0; i--) {
        g_strstrip(lines[i]);
        if (*lines[i])
            return g_strdup(lines[i]);
    }
    return NULL;
}

/* Runs tool with args; *exitCode is its exit status.  -1 (reported) only
 * when the tool could not be run at all. */
static int
runTool(const char *tool, const char *const *args, char **out, char **err,
        int *exitCode)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) gerr = NULL;
    int status = 0;

    g_ptr_array_add(argv, (gpointer)tool);
    for (size_t i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT,
                      NULL, NULL, out, err, &status, &gerr)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot run OpenVZ tool '%s': %s",
                      tool, gerr->message);
        return -1;
    }
    if (WIFEXITED(status)) {
        *exitCode = WEXITSTATUS(status);
    } else {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "OpenVZ tool '%s' was killed by signal %d",
                      tool, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return -1;
    }
    return 0;
}

int
vkOpenvzCtl(vkOpenvzState *st, const char *const *args)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *cmd = g_strjoinv(" ", (char **)args);
    g_autofree char *msg = NULL;
    int code;

    if (runTool(st->vzctl, args, &out, &err, &code) < 0)
        return -1;
    if (code == 0)
        return 0;
    if (!(msg = lastLine(err)))
        msg = lastLine(out);
    vkReportError(isInvalidCode(code) ? VIR_ERR_OPERATION_INVALID : VIR_ERR_OPERATION_FAILED,
                  "vzctl %s failed (exit code %d): %s", cmd, code,
                  msg ? msg : "no message");
    return -1;
}

void
vkOpenvzListFree(GArray *entries)
{
    if (!entries)
        return;
    for (guint i = 0; i < entries->len; i++)
        g_free(g_array_index(entries, vkOpenvzListEntry, i).status);
    g_array_free(entries, TRUE);
}

int
vkOpenvzList(vkOpenvzState *st, int ctid, GArray **entries)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *id = ctid >= 0 ? g_strdup_printf("%d", ctid) : NULL;
    const char *args[] = { "-a", "-H", "-o", "ctid,status", id, NULL };
    g_auto(GStrv) lines = NULL;
    GArray *list;
    int code;

    *entries = NULL;
    if (runTool(st->vzlist, args, &out, &err, &code) < 0)
        return -1;
    list = g_array_new(FALSE, TRUE, sizeof(vkOpenvzListEntry));
    if (code != 0) {
        /* With a CT ID, "Container(s) not found" (exit 1) is an empty list. */
        g_autofree char *msg = lastLine(err);

        if (ctid >= 0 && msg && strstr(msg, "not found")) {
            *entries = list;
            return 0;
        }
        g_array_free(list, TRUE);
        vkReportError(VIR_ERR_OPERATION_FAILED, "vzlist failed (exit code %d): %s",
                      code, msg ? msg : "no message");
        return -1;
    }
    lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) w = g_strsplit_set(g_strstrip(*l), " \t", -1);
        vkOpenvzListEntry e = { 0 };
        guint64 v;
        char **p = w;

        if (!**l)
            continue;
        if (!g_ascii_string_to_unsigned(*p, 10, 0, G_MAXINT, &v, NULL)) {
            vkOpenvzListFree(list);
            vkReportError(VIR_ERR_OPERATION_FAILED, "unexpected vzlist output line '%s'", *l);
            return -1;
        }
        while (*++p && !**p)
            ;
        e.ctid = (int)v;
        e.status = g_strdup(*p ? *p : "unknown");
        e.running = strcmp(e.status, "running") == 0;
        g_array_append_val(list, e);
    }
    *entries = list;
    return list->len;
}

int
vkOpenvzIsRunning(vkOpenvzState *st, int ctid)
{
    GArray *list;
    int ret = -1;

    if (vkOpenvzList(st, ctid, &list) < 0)
        return -2;
    for (guint i = 0; i < list->len; i++) {
        vkOpenvzListEntry *e = &g_array_index(list, vkOpenvzListEntry, i);

        if (e->ctid == ctid)
            ret = e->running ? 1 : 0;
    }
    vkOpenvzListFree(list);
    return ret;
}

char *
vkOpenvzListField(vkOpenvzState *st, int ctid, const char *field)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *id = g_strdup_printf("%d", ctid);
    const char *args[] = { "-a", "-H", "-o", field, id, NULL };
    int code;

    if (runTool(st->vzlist, args, &out, &err, &code) < 0 || code != 0)
        return NULL;
    return g_strstrip(g_steal_pointer(&out));
}

int
vkOpenvzVersion(vkOpenvzState *st, unsigned long *version)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "--version", NULL };
    unsigned int maj = 0, min = 0, mic = 0;
    const char *p;
    int code;

    if (runTool(st->vzctl, args, &out, &err, &code) < 0)
        return -1;
    /* "vzctl version 4.9.4" */
    if (code != 0 || !(p = strstr(out, "version ")) ||
        sscanf(p + strlen("version "), "%u.%u.%u", &maj, &min, &mic) < 2) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read the version of '%s' from '%s'",
                      st->vzctl, out ? g_strstrip(out) : "");
        return -1;
    }
    *version = maj * 1000000UL + min * 1000UL + mic;
    return 0;
}

char *
vkOpenvzConfPath(vkOpenvzState *st, int ctid)
{
    g_autofree char *base = g_strdup_printf("%d.conf", ctid);

    return g_build_filename(st->confDir, base, NULL);
}

vkOpenvzConf *
vkOpenvzReadConf(vkOpenvzState *st, int ctid)
{
    g_autofree char *path = vkOpenvzConfPath(st, ctid);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        vkReportError(VIR_ERR_NO_DOMAIN, "no OpenVZ container with CT ID %d "
                      "(no config %s)", ctid, path);
        return NULL;
    }
    return vkOpenvzConfParse(text);
}

int
vkOpenvzWriteUUID(vkOpenvzState *st, int ctid, const unsigned char *uuid)
{
    g_autoptr(vkOpenvzConf) conf = vkOpenvzReadConf(st, ctid);
    g_autofree char *path = vkOpenvzConfPath(st, ctid);
    g_autofree char *text = NULL;

    if (!conf)
        return -1;
    vkOpenvzConfSetUUID(conf, uuid);
    text = vkOpenvzConfFormat(conf);
    return vkAtomicFileWrite(path, text, strlen(text), 0644);
}

int
vkOpenvzGetUUID(vkOpenvzState *st, int ctid, unsigned char *uuid)
{
    g_autoptr(vkOpenvzConf) conf = vkOpenvzReadConf(st, ctid);

    if (!conf)
        return -1;
    if (vkOpenvzConfGetUUID(conf, uuid))
        return 0;
    /* Created with vzctl directly: give it a UUID that stays. */
    vkUUIDGenerate(uuid);
    return vkOpenvzWriteUUID(st, ctid, uuid);
}

static char *
frozenPath(vkOpenvzState *st, int ctid)
{
    g_autofree char *base = g_strdup_printf("%d.frozen", ctid);

    return g_build_filename(st->runDir, base, NULL);
}

bool
vkOpenvzFrozenGet(vkOpenvzState *st, int ctid)
{
    g_autofree char *path = frozenPath(st, ctid);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

int
vkOpenvzFrozenSet(vkOpenvzState *st, int ctid, bool frozen)
{
    g_autofree char *path = frozenPath(st, ctid);
    int fd;

    if (!frozen) {
        if (g_unlink(path) < 0 && errno != ENOENT) {
            vkReportSystemError(errno, "cannot remove '%s'", path);
            return -1;
        }
        return 0;
    }
    if (g_mkdir_with_parents(st->runDir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create '%s'", st->runDir);
        return -1;
    }
    if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "cannot create '%s'", path);
        return -1;
    }
    close(fd);
    return 0;
}
