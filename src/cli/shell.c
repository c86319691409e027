/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* shell.c: the `virtkit` program — option handling, the connection, and the
 * loop that runs parsed commands. Its layout follows virsh so that people's
 * habits and scripts carry over: one command (or a `;`-separated string) on
 * the command line, otherwise an interactive readline session (also when
 * stdin is a pipe or a file, as virsh). Each command's output ends with
 * a blank line (unless --quiet); a failing command does not stop the ones
 * after it, and the exit status is the last command's. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "vksh.h"
#include "vksh-storage.h"

#ifndef VKSH_VERSION
# define VKSH_VERSION "0.1.0"
#endif

const vkshCmdGroup vkshGroups[] = {
    { "Domain Management", "domain", vkshDomainCmds },
    { "Domain Monitoring", "monitor", vkshMonitorCmds },
    { "Domain Events", "events", vkshEventCmds },
    { "Host and Hypervisor", "host", vkshHostCmds },
    { "Checkpoint", "checkpoint", vkshCheckpointCmds },
    { "Interface", "interface", vkshIfaceCmds },
    { "Network Filter", "filter", vkshNWFilterCmds },
    { "Networking", "network", vkshNetworkCmds },
    { "Node Device", "nodedev", vkshNodedevCmds },
    { "Secret", "secret", vkshSecretCmds },
    { "Snapshot", "snapshot", vkshSnapshotCmds },
    { "Storage Pool", "pool", vkshPoolCmds },
    { "Storage Volume", "volume", vkshVolCmds },
    { "Virtkit itself", "virtkit", vkshShellCmds },
    { NULL, NULL, NULL },
};

const vkshCmdDef *
vkshCommandLookup(const char *name)
{
    for (const vkshCmdGroup *g = vkshGroups; g->name; g++) {
        for (size_t i = 0; g->cmds[i]; i++) {
            if (strcmp(g->cmds[i]->name, name) == 0)
                return g->cmds[i];
        }
    }
    return NULL;
}

bool
vkshConnect(vkshCtl *ctl, const char *uri, bool readonly)
{
    virConnectPtr conn;

    conn = readonly ? virConnectOpenReadOnly(uri) : virConnectOpen(uri);
    if (!conn) {
        vkshError(ctl, "failed to connect to the hypervisor");
        vkshReportLibError(ctl);
        return false;
    }
    if (ctl->conn)
        virConnectClose(ctl->conn);
    ctl->conn = conn;
    ctl->readonly = readonly;
    if (ctl->uri != uri) {
        g_free(ctl->uri);
        ctl->uri = g_strdup(uri);
    }
    return true;
}

bool
vkshRunCommands(vkshCtl *ctl, vkshCmd *list)
{
    bool ok = true;

    for (vkshCmd *cmd = list; cmd && !ctl->quit; cmd = cmd->next) {
        vkshResetLibError(ctl);
        /* Connect on first need, so `virtkit help` works without a host. */
        if (!ctl->conn && !(cmd->def->flags & VKSH_CMD_NOCONNECT) &&
            !vkshConnect(ctl, ctl->uri, ctl->readonly)) {
            ok = false;
            continue;
        }
        ok = cmd->def->handler(ctl, cmd);
        if (!ok)
            vkshReportLibError(ctl);
        if (ctl->quit)
            break;
        if (!(cmd->def->flags & VKSH_CMD_NO_BLANK))
            vkshPrintExtra(ctl, "\n");
        fflush(stdout);
    }
    return ok;
}

static bool
runString(vkshCtl *ctl, const char *line)
{
    vkshCmd *list = vkshParseString(line);
    bool ok;

    if (!list)
        return errno == 0;
    ok = vkshRunCommands(ctl, list);
    vkshCmdListFree(list);
    return ok;
}

/* Tab completion: command names for the first word, the command's
 * --options after it. */
static char *
completeGenerator(const char *text, int state)
{
    static GPtrArray *matches;
    static size_t next;

    if (state == 0) {
        g_autofree char *line = g_strndup(rl_line_buffer, rl_point);
        g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
        const char *first = NULL;
        size_t len = strlen(text);
        const vkshCmdDef *def;

        g_clear_pointer(&matches, g_ptr_array_unref);
        matches = g_ptr_array_new_with_free_func(g_free);
        next = 0;
        for (size_t i = 0; words[i]; i++) {
            if (*words[i] && words[i + 1]) {
                first = words[i];
                break;
            }
        }
        if (!first) {
            for (const vkshCmdGroup *g = vkshGroups; g->name; g++)
                for (size_t i = 0; g->cmds[i]; i++)
                    if (strncmp(g->cmds[i]->name, text, len) == 0)
                        g_ptr_array_add(matches, g_strdup(g->cmds[i]->name));
        } else if ((def = vkshCommandLookup(first)) && def->opts) {
            for (size_t i = 0; def->opts[i].name; i++) {
                g_autofree char *opt = g_strdup_printf("--%s", def->opts[i].name);

                if (strncmp(opt, text, len) == 0)
                    g_ptr_array_add(matches, g_steal_pointer(&opt));
            }
        }
    }
    if (next < matches->len)
        return g_strdup(g_ptr_array_index(matches, next++));
    return NULL;
}

static char **
completeCommand(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, completeGenerator);
}

static int
interactiveLoop(vkshCtl *ctl)
{
    const char *prompt = geteuid() == 0 ? "virtkit # " : "virtkit $ ";

    rl_readline_name = "virtkit";
    rl_attempted_completion_function = completeCommand;
    vkshPrintExtra(ctl,
                   "Welcome to virtkit, the virtualization interactive terminal.\n\n"
                   "Type:  'help' for help with commands\n"
                   "       'quit' to quit\n\n");
    while (!ctl->quit) {
        g_autofree char *line = readline(prompt);

        if (!line)
            break;
        if (*line)
            add_history(line);
        runString(ctl, line);
    }
    /* ends the prompt line at end of input; after quit, a blank line */
    vkshPrint(ctl, "\n");
    return EXIT_SUCCESS;
}

static void
usage(void)
{
    printf("\n"
           "virtkit [options]... [<command_string>]\n"
           "virtkit [options]... <command> [args...]\n\n"
           "  options:\n"
           "    -c | --connect=URI      hypervisor connection URI\n"
           "    -h | --help             this help\n"
           "    -q | --quiet            quiet mode\n"
           "    -r | --readonly         connect readonly\n"
           "    -v                      short version\n"
           "    -V                      long version\n"
           "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
           "  commands (non interactive mode):\n\n");
    for (const vkshCmdGroup *g = vkshGroups; g->name; g++) {
        printf(" %s (help keyword '%s')\n", g->name, g->keyword);
        for (size_t i = 0; g->cmds[i]; i++)
            printf("    %-30s %s\n", g->cmds[i]->name, g->cmds[i]->summary);
        printf("\n");
    }
    printf("  (specify help <group> for details about the commands in the group)\n\n"
           "  (specify help <command> for details about the command)\n\n");
}

static void
longVersion(void)
{
    printf("Virtkit command line tool, version %s\n\n"
           " Implements the libvirt API %d.%d.%d and virsh's commands.\n",
           VKSH_VERSION, LIBVIR_VERSION_NUMBER / 1000000,
           (LIBVIR_VERSION_NUMBER / 1000) % 1000, LIBVIR_VERSION_NUMBER % 1000);
}

int
main(int argc, char **argv)
{
    static const struct option longOpts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "readonly", no_argument, NULL, 'r' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "debug", required_argument, NULL, 'd' },
        { "timing", no_argument, NULL, 't' },
        { "version", optional_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    vkshCtl ctl = { 0 };
    g_autofree char *uri = NULL;   /* -c, or NULL for the library's default */
    int opt, ret = EXIT_FAILURE;

    while ((opt = getopt_long(argc, argv, "+c:d:hqrtvV", longOpts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            g_free(uri);
            uri = g_strdup(optarg);
            break;
        case 'r':
            ctl.readonly = true;
            break;
        case 'q':
            ctl.quiet = true;
            break;
        case 'h':
            usage();
            return EXIT_SUCCESS;
        case 'd':
        case 't':
            break;      /* accepted for virsh compatibility */
        case 'v':
            printf("%s\n", VKSH_VERSION);
            return EXIT_SUCCESS;
        case 'V':
            longVersion();
            return EXIT_SUCCESS;
        case 'x':
            if (!optarg || strcmp(optarg, "short") == 0) {
                printf("%s\n", VKSH_VERSION);
            } else if (strcmp(optarg, "long") == 0) {
                longVersion();
            } else {
                vkshError(&ctl, "unknown version type '%s'", optarg);
                return EXIT_FAILURE;
            }
            return EXIT_SUCCESS;
        default:
            vkshError(&ctl, "unsupported option '%s'. See --help.", argv[optind - 1]);
            return EXIT_FAILURE;
        }
    }

    /* The event loop must exist before the connection for events to flow. */
    if (virEventRegisterDefaultImpl() < 0) {
        vkshError(&ctl, "failed to initialize the event loop");
        vkshReportLibError(&ctl);
        return EXIT_FAILURE;
    }
    virSetErrorFunc(&ctl, vkshErrorHandler);

    ctl.uri = g_steal_pointer(&uri);
    if (optind < argc) {
        vkshCmd *list;

        if (argc - optind == 1)
            list = vkshParseString(argv[optind]);
        else
            list = vkshParseArgv(argc - optind, argv + optind);
        if (list) {
            ret = vkshRunCommands(&ctl, list) ? EXIT_SUCCESS : EXIT_FAILURE;
            vkshCmdListFree(list);
        } else {
            ret = errno == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        }
    } else if (!vkshConnect(&ctl, ctl.uri, ctl.readonly)) {
        ret = EXIT_FAILURE;
    } else {
        /* A pipe or file on stdin gets the same session as a terminal
         * (banner, prompts, readline's echo of each line, status 0), as
         * virsh gives it. */
        ctl.interactive = true;
        ret = interactiveLoop(&ctl);
    }

    if (ctl.conn)
        virConnectClose(ctl.conn);
    virSetErrorFunc(NULL, NULL);
    g_free(ctl.uri);
    g_free(ctl.error_msg);
    fflush(stdout);
    return ret;
}
