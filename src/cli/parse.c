/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse.c: turns shell input into a list of parsed commands, the way virsh
 * reads it. Input is first split into words (quotes, backslashes, `;` and
 * newlines separate commands, `#` starts a comment), then each command's words
 * are matched against its option table: `--name value`, `--name=value`,
 * bools, and bare words filling the non-bool options in declaration order.
 * A whole line is parsed before anything runs, so a typo in the third command
 * leaves the first two unexecuted. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

static void
parseError(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void
parseError(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "error: %s\n", msg);
}

static const char *
optTypeName(vkshOptType type)
{
    return type == VKSH_OT_INT ? "number" : "string";
}

static int
optIndex(const vkshCmdDef *def, const char *name, size_t len)
{
    for (int i = 0; def->opts && def->opts[i].name; i++) {
        if (strlen(def->opts[i].name) == len &&
            strncmp(def->opts[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

static size_t
optCount(const vkshCmdDef *def)
{
    size_t n = 0;

    while (def->opts && def->opts[n].name)
        n++;
    return n;
}

void
vkshCmdListFree(vkshCmd *list)
{
    while (list) {
        vkshCmd *next = list->next;

        if (list->values) {
            for (size_t i = 0; i < optCount(list->def); i++)
                g_free(list->values[i]);
            g_free(list->values);
        }
        if (list->argvWords)
            g_ptr_array_unref(list->argvWords);
        g_free(list);
        list = next;
    }
}

/* Match one command's words (words[0] is its name) against its table. */
static vkshCmd *
parseCommand(char **words, size_t nwords)
{
    const vkshCmdDef *def = vkshCommandLookup(words[0]);
    vkshCmd *cmd;
    size_t nopts;
    bool dataOnly = false;

    if (!def) {
        parseError("unknown command: '%s'", words[0]);
        return NULL;
    }
    nopts = optCount(def);
    cmd = g_new0(vkshCmd, 1);
    cmd->def = def;
    cmd->values = g_new0(char *, nopts + 1);

    for (size_t w = 1; w < nwords; w++) {
        const char *word = words[w];
        int idx;

        if (!dataOnly && strcmp(word, "--") == 0) {
            dataOnly = true;
            continue;
        }
        if (!dataOnly && word[0] == '-' && word[1] == '-' && word[2]) {
            const char *name = word + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);

            idx = optIndex(def, name, len);
            if (idx < 0) {
                parseError("command '%s' doesn't support option --%.*s",
                           def->name, (int)len, name);
                goto error;
            }
            if (cmd->values[idx]) {
                parseError("option --%s already seen", def->opts[idx].name);
                goto error;
            }
            if (def->opts[idx].type == VKSH_OT_BOOL) {
                if (eq) {
                    parseError("invalid '=' after option --%s",
                               def->opts[idx].name);
                    goto error;
                }
                cmd->values[idx] = g_strdup("");
            } else if (eq) {
                cmd->values[idx] = g_strdup(eq + 1);
            } else if (w + 1 < nwords) {
                cmd->values[idx] = g_strdup(words[++w]);
            } else {
                parseError("expected syntax: --%s <%s>", def->opts[idx].name,
                           optTypeName(def->opts[idx].type));
                goto error;
            }
            continue;
        }
        /* A bare word fills the first non-bool option not given yet. */
        for (idx = 0; idx < (int)nopts; idx++) {
            if (def->opts[idx].type == VKSH_OT_ARGV)
                break;
            if (def->opts[idx].type != VKSH_OT_BOOL && !cmd->values[idx])
                break;
        }
        if (idx < (int)nopts && def->opts[idx].type == VKSH_OT_ARGV) {
            if (!cmd->argvWords)
                cmd->argvWords = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(cmd->argvWords, g_strdup(word));
        }
        if (idx < (int)nopts && def->opts[idx].type == VKSH_OT_ARGV &&
            cmd->values[idx]) {
            char *joined = g_strconcat(cmd->values[idx], " ", word, NULL);

            g_free(cmd->values[idx]);
            cmd->values[idx] = joined;
            continue;
        }
        if (idx >= (int)nopts) {
            parseError("unexpected data '%s'", word);
            goto error;
        }
        cmd->values[idx] = g_strdup(word);
    }

    for (size_t i = 0; i < nopts; i++) {
        const vkshOptDef *opt = &def->opts[i];

        if (cmd->values[i] || !(opt->flags & VKSH_OFLAG_REQ))
            continue;
        if (opt->type == VKSH_OT_DATA)
            parseError("command '%s' requires <%s> option", def->name, opt->name);
        else
            parseError("command '%s' requires --%s option", def->name, opt->name);
        goto error;
    }
    return cmd;

 error:
    vkshCmdListFree(cmd);
    return NULL;
}

/* Build the command list from groups of words; NULL entries in `words`
 * separate commands. Returns NULL (and prints why) on a parse error; an
 * input with no command at all yields NULL with *empty set. */
static vkshCmd *
buildList(GPtrArray *words, bool *failed)
{
    vkshCmd *head = NULL, **tail = &head;
    size_t start = 0;

    *failed = false;
    for (size_t i = 0; i <= words->len; i++) {
        vkshCmd *cmd;

        if (i < words->len && g_ptr_array_index(words, i))
            continue;
        if (i > start) {
            cmd = parseCommand((char **)words->pdata + start, i - start);
            if (!cmd) {
                vkshCmdListFree(head);
                *failed = true;
                return NULL;
            }
            *tail = cmd;
            tail = &cmd->next;
        }
        start = i + 1;
    }
    return head;
}

/* Split a command string into words. Quoting follows virsh: '...' is literal,
 * "..." honours backslash escapes, a bare backslash escapes the next char. */
static bool
splitWords(const char *input, GPtrArray *words)
{
    const char *p = input;

    while (*p) {
        GString *word;
        bool inWord = false;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (*p == ';' || *p == '\n') {
            g_ptr_array_add(words, NULL);
            p++;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        word = g_string_new(NULL);
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != ';') {
            inWord = true;
            if (*p == '\\') {
                p++;
                if (!*p) {
                    parseError("dangling \\");
                    g_string_free(word, TRUE);
                    return false;
                }
                g_string_append_c(word, *p++);
            } else if (*p == '\'' || *p == '"') {
                char quote = *p++;

                while (*p && *p != quote) {
                    if (quote == '"' && *p == '\\' && p[1])
                        p++;
                    g_string_append_c(word, *p++);
                }
                if (!*p) {
                    parseError("missing %c", quote);
                    g_string_free(word, TRUE);
                    return false;
                }
                p++;
            } else {
                g_string_append_c(word, *p++);
            }
        }
        if (inWord)
            g_ptr_array_add(words, g_string_free(word, FALSE));
        else
            g_string_free(word, TRUE);
    }
    return true;
}

/* Returns the command list; NULL with errno 0 for an empty line, NULL with
 * errno EINVAL after printing a parse error. */
vkshCmd *
vkshParseString(const char *input)
{
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
    vkshCmd *list;
    bool failed;

    if (!splitWords(input, words)) {
        errno = EINVAL;
        return NULL;
    }
    list = buildList(words, &failed);
    errno = failed ? EINVAL : 0;
    return list;
}

/* Several shell arguments: each is one word, none is re-split. */
vkshCmd *
vkshParseArgv(int argc, char **argv)
{
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
    vkshCmd *list;
    bool failed;

    for (int i = 0; i < argc; i++)
        g_ptr_array_add(words, g_strdup(argv[i]));
    list = buildList(words, &failed);
    errno = failed ? EINVAL : 0;
    return list;
}

static int
cmdOptIndex(const vkshCmd *cmd, const char *name)
{
    int idx = optIndex(cmd->def, name, strlen(name));

    /* Asking for an option the table lacks is a bug in a handler. */
    g_assert(idx >= 0);
    return idx;
}

bool
vkshOptBool(const vkshCmd *cmd, const char *name)
{
    return cmd->values[cmdOptIndex(cmd, name)] != NULL;
}

const char *
vkshOptString(const vkshCmd *cmd, const char *name)
{
    return cmd->values[cmdOptIndex(cmd, name)];
}

int
vkshOptInt(vkshCtl *ctl, const vkshCmd *cmd, const char *name, int *value)
{
    const char *str = vkshOptString(cmd, name);
    char *end = NULL;
    long v;

    if (!str)
        return 0;
    errno = 0;
    v = strtol(str, &end, 10);
    if (errno || end == str || *end || v < INT_MIN || v > INT_MAX) {
        vkshError(ctl, "Numeric value '%s' for <%s> option is malformed or out of range",
                  str, name);
        return -1;
    }
    *value = (int)v;
    return 1;
}

/* Units as virsh accepts them: b, k/K/KiB (1024), KB (1000), M, G, T, P, E;
 * a bare number is in units of `scale` bytes. */
static int
scaleSuffix(const char *suffix, unsigned long long scale,
            unsigned long long *mult)
{
    unsigned long long base = 1024;
    const char *units = "KMGTPE";
    const char *pos;

    if (!*suffix) {
        *mult = scale;
        return 0;
    }
    if (g_ascii_strcasecmp(suffix, "b") == 0 ||
        g_ascii_strcasecmp(suffix, "byte") == 0 ||
        g_ascii_strcasecmp(suffix, "bytes") == 0) {
        *mult = 1;
        return 0;
    }
    pos = strchr(units, g_ascii_toupper(suffix[0]));
    if (!pos)
        return -1;
    if (suffix[1] == '\0' || g_ascii_strcasecmp(suffix + 1, "iB") == 0)
        base = 1024;
    else if (g_ascii_strcasecmp(suffix + 1, "B") == 0)
        base = 1000;
    else
        return -1;
    *mult = 1;
    for (const char *u = units; u <= pos; u++)
        *mult *= base;
    return 0;
}

int
vkshOptScaled(vkshCtl *ctl, const vkshCmd *cmd, const char *name,
              unsigned long long *bytes, unsigned long long scale,
              unsigned long long max)
{
    const char *str = vkshOptString(cmd, name);
    unsigned long long v, mult;
    char *end = NULL;

    if (!str)
        return 0;
    errno = 0;
    if (str[0] == '-')
        goto malformed;
    v = strtoull(str, &end, 10);
    if (errno || end == str)
        goto malformed;
    if (scaleSuffix(end, scale, &mult) < 0) {
        vkshError(ctl, "Scaled numeric value '%s' for <%s> option is malformed or out of range",
                  str, name);
        vkshError(ctl, "invalid argument: unknown suffix '%s'", end);
        return -1;
    }
    if (v > max / mult)
        goto malformed;
    *bytes = v * mult;
    return 1;

 malformed:
    vkshError(ctl, "Scaled numeric value '%s' for <%s> option is malformed or out of range",
              str, name);
    return -1;
}

/* NULL when the command's ARGV option was not given. */
GPtrArray *
vkshOptArgvWords(const vkshCmd *cmd)
{
    return cmd->argvWords;
}

bool
vkshOptExclusive(vkshCtl *ctl, const vkshCmd *cmd, const char *a, const char *b)
{
    if (vkshOptString(cmd, a) && vkshOptString(cmd, b)) {
        vkshError(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

bool
vkshOptRequires(vkshCtl *ctl, const vkshCmd *cmd, const char *needed,
                const char *by)
{
    if (vkshOptString(cmd, by) && !vkshOptString(cmd, needed)) {
        vkshError(ctl, "Option --%s is required by option --%s", needed, by);
        return false;
    }
    return true;
}

unsigned int
vkshOptFlags(const vkshCmd *cmd, const vkshOptFlag *map, size_t n)
{
    unsigned int flags = 0;

    for (size_t i = 0; i < n; i++) {
        if (vkshOptBool(cmd, map[i].opt))
            flags |= map[i].flag;
    }
    return flags;
}

const vkshOptDef vkshOptsDomainOnly[] = {
    VKSH_OPT_DOMAIN,
    { NULL, 0, 0, NULL },
};

bool
vkshAffectGiven(const vkshCmd *cmd)
{
    return vkshOptBool(cmd, "config") || vkshOptBool(cmd, "live") ||
           vkshOptBool(cmd, "current");
}

/* --config/--live/--current as most modifying commands take them. */
bool
vkshAffectFlags(vkshCtl *ctl, const vkshCmd *cmd, unsigned int *flags)
{
    if (!vkshOptExclusive(ctl, cmd, "current", "live") ||
        !vkshOptExclusive(ctl, cmd, "current", "config"))
        return false;
    *flags = VIR_DOMAIN_AFFECT_CURRENT;
    if (vkshOptBool(cmd, "live"))
        *flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (vkshOptBool(cmd, "config"))
        *flags |= VIR_DOMAIN_AFFECT_CONFIG;
    return true;
}
