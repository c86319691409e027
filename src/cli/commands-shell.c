/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-shell.c: commands about the shell itself — help, connect, echo,
 * quit and exit. Help is generated from the same option tables the parser
 * uses, so a command's synopsis can never disagree with what it accepts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vksh.h"

static const char *
valueName(const vkshOptDef *opt)
{
    return opt->type == VKSH_OT_INT ? "number" : "string";
}

static void
printGroup(vkshCtl *ctl, const vkshCmdGroup *g)
{
    vkshPrint(ctl, " %s (help keyword '%s'):\n", g->name, g->keyword);
    for (size_t i = 0; g->cmds[i]; i++)
        vkshPrint(ctl, "    %-30s %s\n", g->cmds[i]->name, g->cmds[i]->summary);
}

static void
printCommandHelp(vkshCtl *ctl, const vkshCmdDef *def)
{
    g_autoptr(GString) synopsis = g_string_new(def->name);

    for (size_t i = 0; def->opts && def->opts[i].name; i++) {
        const vkshOptDef *opt = &def->opts[i];
        bool req = opt->flags & VKSH_OFLAG_REQ;

        if (opt->type == VKSH_OT_BOOL)
            g_string_append_printf(synopsis, " [--%s]", opt->name);
        else if (opt->type == VKSH_OT_ARGV)
            g_string_append_printf(synopsis, req ? " <%s>..." : " [<%s>]...", opt->name);
        else if (req)
            g_string_append_printf(synopsis, " <%s>", opt->name);
        else if (opt->type == VKSH_OT_DATA)
            g_string_append_printf(synopsis, " [<%s>]", opt->name);
        else
            g_string_append_printf(synopsis, " [--%s <%s>]", opt->name, valueName(opt));
    }
    vkshPrint(ctl, "  NAME\n    %s - %s\n\n", def->name, def->summary);
    vkshPrint(ctl, "  SYNOPSIS\n    %s\n\n", synopsis->str);
    if (def->description && *def->description)
        vkshPrint(ctl, "  DESCRIPTION\n    %s\n\n", def->description);
    if (!def->opts || !def->opts[0].name)
        return;
    vkshPrint(ctl, "  OPTIONS\n");
    for (size_t i = 0; def->opts[i].name; i++) {
        const vkshOptDef *opt = &def->opts[i];
        g_autofree char *label = NULL;

        if (opt->type == VKSH_OT_BOOL)
            label = g_strdup_printf("--%s", opt->name);
        else if (opt->type == VKSH_OT_ARGV)
            label = g_strdup_printf("[--%s] <%s>...", opt->name, valueName(opt));
        else if ((opt->flags & VKSH_OFLAG_REQ) || opt->type == VKSH_OT_DATA)
            label = g_strdup_printf("[--%s] <%s>", opt->name, valueName(opt));
        else
            label = g_strdup_printf("--%s <%s>", opt->name, valueName(opt));
        vkshPrint(ctl, "    %-15s  %s\n", label, opt->help);
    }
    vkshPrint(ctl, "\n");
}

static const vkshOptDef optsHelp[] = {
    { "command", VKSH_OT_STRING, 0, "a command or a group keyword" },
    { NULL, 0, 0, NULL },
};

static bool
cmdHelp(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *what = vkshOptString(cmd, "command");
    const vkshCmdDef *def;

    if (!what) {
        vkshPrint(ctl, "Grouped commands:\n\n");
        for (const vkshCmdGroup *g = vkshGroups; g->name; g++) {
            printGroup(ctl, g);
            vkshPrint(ctl, "\n");
        }
        return true;
    }
    for (const vkshCmdGroup *g = vkshGroups; g->name; g++) {
        if (strcmp(g->keyword, what) == 0) {
            printGroup(ctl, g);
            return true;
        }
    }
    if ((def = vkshCommandLookup(what))) {
        printCommandHelp(ctl, def);
        return true;
    }
    vkshError(ctl, "command or command group '%s' doesn't exist", what);
    return false;
}

static const vkshOptDef optsConnect[] = {
    { "name", VKSH_OT_STRING, 0, "URI of the hypervisor to connect to" },
    { "readonly", VKSH_OT_BOOL, 0, "open a read-only connection" },
    { NULL, 0, 0, NULL },
};

/* Without a URI, reconnect to the one in use (virsh does the same). */
static bool
cmdConnect(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "name");
    g_autofree char *uri = g_strdup(name ? name : ctl->uri);

    if (!vkshConnect(ctl, uri, vkshOptBool(cmd, "readonly"))) {
        vkshResetLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsEcho[] = {
    { "shell", VKSH_OT_BOOL, 0, "escape for shell use" },
    { "xml", VKSH_OT_BOOL, 0, "escape for XML use" },
    { "split", VKSH_OT_BOOL, 0, "split each argument on ','; ',,' is an escape sequence" },
    { "err", VKSH_OT_BOOL, 0, "output to stderr" },
    { "string", VKSH_OT_ARGV, 0, "arguments to echo" },
    { NULL, 0, 0, NULL },
};

/* Single quotes only where a POSIX shell would read the word otherwise;
 * an embedded quote closes, is escaped, and reopens. */
static void
appendShellWord(GString *out, const char *word)
{
    if (*word && !strpbrk(word, "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~")) {
        g_string_append(out, word);
        return;
    }
    g_string_append_c(out, '\'');
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            g_string_append(out, "'\\''");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '\'');
}

/* --split: each piece of a word (cut at ',', ',,' standing for a ',')
 * ends a line */
static void
appendSplitWord(GString *out, const char *word)
{
    for (const char *p = word; *p; p++) {
        if (*p != ',')
            g_string_append_c(out, *p);
        else if (p[1] == ',')
            g_string_append_c(out, *p++);
        else
            g_string_append_c(out, '\n');
    }
    g_string_append_c(out, '\n');
}

static bool
cmdEcho(vkshCtl *ctl, const vkshCmd *cmd)
{
    GPtrArray *words = vkshOptArgvWords(cmd);
    g_autoptr(GString) out = g_string_new(NULL);

    if (!vkshOptExclusive(ctl, cmd, "shell", "xml") ||
        !vkshOptExclusive(ctl, cmd, "shell", "split") ||
        !vkshOptExclusive(ctl, cmd, "xml", "split"))
        return false;
    for (guint i = 0; words && i < words->len; i++) {
        const char *word = g_ptr_array_index(words, i);

        if (i)
            g_string_append_c(out, ' ');
        if (vkshOptBool(cmd, "split"))
            appendSplitWord(out, word);
        else if (vkshOptBool(cmd, "xml"))
            vkshXmlAppendEscaped(out, word);
        else if (vkshOptBool(cmd, "shell"))
            appendShellWord(out, word);
        else
            g_string_append(out, word);
    }
    /* No newline of its own: the one every command's output ends with is
     * echo's (so -q runs echoes together, as virsh's). */
    if (vkshOptBool(cmd, "err"))
        vkshError(ctl, "%s", out->str);
    else
        vkshPrint(ctl, "%s", out->str);
    return true;
}

static bool
cmdQuit(vkshCtl *ctl, const vkshCmd *cmd)
{
    ctl->quit = true;
    return true;
}

static const vkshCmdDef cmdDefEcho = {
    "echo", cmdEcho, optsEcho, "echo arguments. Used for internal testing.",
    "Echo back arguments, possibly with quoting. Used for internal testing.",
    VKSH_CMD_NOCONNECT,
};
static const vkshCmdDef cmdDefExit = {
    "exit", cmdQuit, NULL, "quit this interactive terminal", "", VKSH_CMD_NOCONNECT,
};
static const vkshCmdDef cmdDefHelp = {
    "help", cmdHelp, optsHelp, "print help",
    "Lists all commands, the commands of one group, or one command's options.",
    VKSH_CMD_NOCONNECT,
};
static const vkshCmdDef cmdDefQuit = {
    "quit", cmdQuit, NULL, "quit this interactive terminal", "", VKSH_CMD_NOCONNECT,
};
static const vkshCmdDef cmdDefConnect = {
    "connect", cmdConnect, optsConnect, "(re)connect to hypervisor",
    "Closes the current connection and opens one to the given URI.",
    VKSH_CMD_NOCONNECT,
};

/* cd only in an interactive session, as virsh: elsewhere the directory
 * would not outlive the command. */
static const vkshOptDef optsCd[] = {
    { "dir", VKSH_OT_STRING, 0, "directory to switch to (default: home or else root)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCd(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *dir = vkshOptString(cmd, "dir");

    if (!ctl->interactive) {
        vkshError(ctl, "cd: command valid only in interactive mode");
        return false;
    }
    if (!dir)
        dir = g_get_home_dir() ? g_get_home_dir() : "/";
    if (chdir(dir) < 0) {
        vkshError(ctl, "cd: %s: %s", g_strerror(errno), dir);
        return false;
    }
    return true;
}

static bool
cmdPwd(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *cwd = g_get_current_dir();

    vkshPrint(ctl, "%s\n", cwd);
    return true;
}

static const vkshCmdDef cmdDefCd = {
    "cd", cmdCd, optsCd, "change the current directory", "Change the current directory.",
    VKSH_CMD_NOCONNECT,
};
static const vkshCmdDef cmdDefPwd = {
    "pwd", cmdPwd, NULL, "print the current directory", "Print the current directory.",
    VKSH_CMD_NOCONNECT,
};

const vkshCmdDef *const vkshShellCmds[] = {
    &cmdDefCd,
    &cmdDefEcho,
    &cmdDefExit,
    &cmdDefHelp,
    &cmdDefPwd,
    &cmdDefQuit,
    &cmdDefConnect,
    NULL,
};
