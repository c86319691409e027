/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* edit.c: the loop every *-edit command shares — dump the object's XML to a
 * temporary file, run $VISUAL/$EDITOR on it, define what comes back, and on
 * failure ask "Try again?" the way virsh does. The commands differ only in
 * how they dump and define, which they pass in as two callbacks.
 *
 * One deliberate difference from virsh 9.0: when the define fails and stdin
 * is not a terminal (no one to ask), virsh prints "error: Failed." and then
 * reports success with a "(null)" name and exit status 0; here the command
 * fails (exit status 1) and the library's error is printed after it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/wait.h>

#include "vksh.h"
#include "vksh-edit.h"

/* virsh's limit on XML files it reads back */
#define EDIT_MAX_XML (10 * 1024 * 1024)

/* Characters that need no shell quoting: an editor (or file name) made of
 * these alone is run directly, anything else goes through sh -c, so that
 * EDITOR="emacs -nw" works as Unix users expect. */
#define EDIT_PLAIN_CHARS \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:@/"

static char *
writeTempFile(vkshCtl *ctl, const char *doc)
{
    const char *dir = g_getenv("TMPDIR");
    g_autofree char *path = g_strdup_printf("%s/virshXXXXXX.xml", dir && *dir ? dir : "/tmp");
    int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);

    if (fd < 0) {
        vkshError(ctl, "failed to create temporary file: %s", g_strerror(errno));
        return NULL;
    }
    if (!g_file_set_contents(path, doc, -1, NULL)) {
        vkshError(ctl, "%s: failed to write temporary file: %s", path, g_strerror(errno));
        close(fd);
        unlink(path);
        return NULL;
    }
    close(fd);
    return g_steal_pointer(&path);
}

/* An argument as libvirt's command strings show it: bare when plain,
 * else single-quoted. */
static void
appendQuoted(GString *s, const char *arg)
{
    if (!*arg || strpbrk(arg, " \t\n'\"\\|&;()<>[]{}$`*?~!#")) {
        g_string_append_c(s, '\'');
        for (const char *p = arg; *p; p++) {
            if (*p == '\'')
                g_string_append(s, "'\\''");
            else
                g_string_append_c(s, *p);
        }
        g_string_append_c(s, '\'');
    } else {
        g_string_append(s, arg);
    }
}

static bool
runEditor(vkshCtl *ctl, const char *file)
{
    const char *editor = g_getenv("VISUAL");
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) shown = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    int status = 0;

    if (!editor)
        editor = g_getenv("EDITOR");
    if (!editor)
        editor = "vi";
    if (strspn(editor, EDIT_PLAIN_CHARS) != strlen(editor)) {
        if (strspn(file, EDIT_PLAIN_CHARS) != strlen(file)) {
            vkshError(ctl, "%s: temporary filename contains shell meta or other "
                      "unacceptable characters (is $TMPDIR wrong?)", file);
            return false;
        }
        g_ptr_array_add(argv, g_strdup("sh"));
        g_ptr_array_add(argv, g_strdup("-c"));
        g_ptr_array_add(argv, g_strdup_printf("%s %s", editor, file));
    } else {
        g_autofree char *path = g_find_program_in_path(editor);

        if (!path) {
            vkshError(ctl, "Cannot find '%s' in path: %s", editor, g_strerror(ENOENT));
            return false;
        }
        g_ptr_array_add(argv, g_strdup(editor));
        g_ptr_array_add(argv, g_strdup(file));
    }
    for (size_t i = 0; i < argv->len; i++) {
        if (i)
            g_string_append_c(shown, ' ');
        appendQuoted(shown, argv->pdata[i]);
    }
    g_ptr_array_add(argv, NULL);
    fflush(stdout);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &err)) {
        vkshError(ctl, "Cannot run '%s': %s", shown->str, err->message);
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFEXITED(status))
        vkshError(ctl, "internal error: Child process (%s) unexpected exit status %d",
                  shown->str, WEXITSTATUS(status));
    else
        vkshError(ctl, "internal error: Child process (%s) unexpected fatal signal %d",
                  shown->str, WTERMSIG(status));
    return false;
}

static char *
readBack(vkshCtl *ctl, const char *file)
{
    g_autoptr(GError) err = NULL;
    char *doc = NULL;
    gsize len = 0;

    if (!g_file_get_contents(file, &doc, &len, &err)) {
        vkshError(ctl, "%s: failed to read temporary file: %s", file, err->message);
        return NULL;
    }
    if (len > EDIT_MAX_XML) {
        vkshError(ctl, "%s: failed to read temporary file: %s", file, g_strerror(EFBIG));
        g_free(doc);
        return NULL;
    }
    return doc;
}

static void
printRaw(const char *line)
{
    printf("%s\r\n", line);
}

/* The "Try again?" question: one key, read with the terminal in raw mode.
 * Returns 'y', 'n', 'f', 'i' (only when relaxAvail), or -1 when stdin is not
 * a terminal. */
static int
askReedit(vkshCtl *ctl, const char *msg, bool relaxAvail)
{
    struct termios saved, raw;
    int c;

    if (!isatty(STDIN_FILENO))
        return -1;
    vkshReportLibError(ctl);
    if (tcgetattr(STDIN_FILENO, &saved) < 0)
        return -1;
    raw = saved;
    cfmakeraw(&raw);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
        return -1;
    for (;;) {
        printf("\r%s %s %s: ", msg, "Try again?", relaxAvail ? "[y,n,i,f,?]" : "[y,n,f,?]");
        fflush(stdout);
        c = getchar();
        if (c == EOF) {
            c = 'n';
            break;
        }
        c = g_ascii_tolower(c);
        if (c == '?') {
            printRaw("");
            printRaw("y - yes, start editor again");
            printRaw("n - no, throw away my changes");
            if (relaxAvail)
                printRaw("i - turn off validation and try to redefine again");
            printRaw("f - force, try to redefine again");
            printRaw("? - print this help");
            continue;
        }
        if (c == 'y' || c == 'n' || c == 'f' || (relaxAvail && c == 'i'))
            break;
    }
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    vkshPrint(ctl, "\r\n");
    return c;
}

bool
vkshEdit(vkshCtl *ctl, const vkshEditOps *ops, void *opaque, const char *unchanged)
{
    g_autofree char *doc = ops->dump(ctl, opaque);
    g_autofree char *tmp = NULL;
    g_autofree char *edited = NULL;
    bool relaxAvail = ops->relaxAvail;
    bool relax = false;
    bool ok = false;

    if (!doc || !(tmp = writeTempFile(ctl, doc)))
        return false;

    for (;;) {
        const char *msg = NULL;
        g_autofree char *reread = NULL;
        int c;

        g_clear_pointer(&edited, g_free);
        if (!runEditor(ctl, tmp) || !(edited = readBack(ctl, tmp)))
            goto cleanup;
        if (unchanged && strcmp(doc, edited) == 0) {
            vkshPrintExtra(ctl, "%s\n", unchanged);
            ok = true;
            goto cleanup;
        }

 redefine:
        /* Someone else may have changed the object while the editor ran:
         * defining now would undo their change without anyone noticing. */
        msg = NULL;
        g_clear_pointer(&reread, g_free);
        if (!(reread = ops->dump(ctl, opaque)))
            goto cleanup;
        if (strcmp(doc, reread) != 0) {
            msg = "The XML configuration was changed by another user.";
            g_free(doc);
            doc = g_steal_pointer(&reread);
        }
        if (!msg && !ops->define(ctl, opaque, edited, relax))
            msg = "Failed.";
        if (!msg) {
            ok = true;
            goto cleanup;
        }
        switch ((c = askReedit(ctl, msg, relaxAvail))) {
        case 'y':
            continue;
        case 'f':
            goto redefine;
        case 'i':
            relax = true;
            relaxAvail = false;
            goto redefine;
        case 'n':
            goto cleanup;
        default:
            vkshError(NULL, "%s", msg);
            goto cleanup;
        }
    }

 cleanup:
    unlink(tmp);
    return ok;
}
