/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-secret.c: virsh's secret-* commands: define, XML, list, the
 * value (base64 on the terminal, raw with --plain) and undefine.  A secret
 * argument is its UUID; messages and the list's table are virsh's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

static void vkshSecretUnref(virSecret *s) { if (s) virSecretFree(s); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virSecret, vkshSecretUnref)

#define OPT_SECRET { "secret", VKSH_OT_DATA, VKSH_OFLAG_REQ, "secret UUID" }
#define OPTS_END { NULL, 0, 0, NULL }

static const vkshOptDef optsSecret[] = { OPT_SECRET, OPTS_END };

static virSecretPtr
commandSecret(vkshCtl *ctl, const vkshCmd *cmd, const char **uuid)
{
    virSecretPtr secret;

    *uuid = vkshOptString(cmd, "secret");
    if (!(secret = virSecretLookupByUUIDString(ctl->conn, *uuid)))
        vkshError(ctl, "failed to get secret '%s'", *uuid);
    return secret;
}

static const vkshOptDef optsDefine[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing secret attributes in XML" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    OPTS_END,
};

static bool
cmdSecretDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    g_autoptr(virSecret) secret = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!xml)
        return false;
    if (!(secret = virSecretDefineXML(ctl->conn, xml, vkshOptBool(cmd, "validate") ?
                                      VIR_SECRET_DEFINE_VALIDATE : 0))) {
        vkshError(ctl, "Failed to set attributes from %s", file);
        return false;
    }
    if (virSecretGetUUIDString(secret, uuid) < 0) {
        vkshError(ctl, "Failed to get UUID of created secret");
        return false;
    }
    vkshPrintExtra(ctl, "Secret %s created\n", uuid);
    return true;
}

static bool
cmdSecretDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *uuid;
    g_autoptr(virSecret) secret = commandSecret(ctl, cmd, &uuid);
    g_autofree char *xml = NULL;

    if (!secret || !(xml = virSecretGetXMLDesc(secret, 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

/* ---- the value ---- */

static const vkshOptDef optsGetValue[] = {
    OPT_SECRET,
    { "plain", VKSH_OT_BOOL, 0, "get value without converting to base64" },
    OPTS_END,
};

static bool
cmdSecretGetValue(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *uuid;
    g_autoptr(virSecret) secret = commandSecret(ctl, cmd, &uuid);
    unsigned char *value;
    size_t size = 0;

    if (!secret || !(value = virSecretGetValue(secret, &size, 0)))
        return false;
    if (vkshOptBool(cmd, "plain")) {
        if (fwrite(value, 1, size, stdout) != size) {
            vkshError(ctl, "failed to write secret");
            memset(value, 0, size);
            g_free(value);
            return false;
        }
    } else {
        g_autofree char *b64 = g_base64_encode(value, size);

        /* no newline of its own: the line ending after every command
         * ends it, as in virsh */
        vkshPrint(ctl, "%s", b64);
        memset(b64, 0, strlen(b64));
    }
    memset(value, 0, size);
    g_free(value);
    return true;
}

static const vkshOptDef optsSetValue[] = {
    OPT_SECRET,
    { "file", VKSH_OT_STRING, 0, "read secret from file" },
    { "plain", VKSH_OT_BOOL, 0, "read the secret from file without converting from base64" },
    { "interactive", VKSH_OT_BOOL, 0, "read the secret from the terminal" },
    { "base64", VKSH_OT_STRING, 0, "base64-encoded secret value" },
    OPTS_END,
};

/* The value the options give, decoded; NULL after an error. */
static unsigned char *
valueFromOptions(vkshCtl *ctl, const vkshCmd *cmd, size_t *size)
{
    const char *file = vkshOptString(cmd, "file");
    const char *base64 = vkshOptString(cmd, "base64");
    bool plain = vkshOptBool(cmd, "plain");
    g_autofree char *text = NULL;

    if (vkshOptBool(cmd, "interactive")) {
        char buf[1024];

        vkshPrint(ctl, "Enter new value for secret:");
        fflush(stdout);
        if (!fgets(buf, sizeof(buf), stdin)) {
            vkshError(ctl, "Failed to read secret");
            return NULL;
        }
        buf[strcspn(buf, "\n")] = '\0';
        vkshPrint(ctl, "\n");
        text = g_strdup(buf);
        memset(buf, 0, sizeof(buf));
        *size = strlen(text);
        return (unsigned char *)g_steal_pointer(&text);
    }
    if (file) {
        gsize len = 0;

        if (!g_file_get_contents(file, &text, &len, NULL)) {
            vkshError(ctl, "failed to read secret file '%s'", file);
            return NULL;
        }
        if (plain) {
            *size = len;
            return (unsigned char *)g_steal_pointer(&text);
        }
        base64 = text;
    }
    if (!base64) {
        vkshError(ctl, "Input secret value is missing");
        return NULL;
    }
    if (!file)      /* virsh's warning, though the command goes on */
        vkshError(NULL, "Passing secret value as command-line argument is insecure!");
    {
        g_autofree char *clean = g_strstrip(g_strdup(base64));
        gsize len = 0;
        unsigned char *value = g_base64_decode(clean, &len);

        *size = len;
        return value;
    }
}

static bool
cmdSecretSetValue(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const pairs[][2] = {
        { "file", "base64" }, { "plain", "base64" }, { "interactive", "base64" },
        { "interactive", "plain" }, { "interactive", "file" },
    };
    const char *uuid;
    g_autoptr(virSecret) secret = NULL;
    unsigned char *value;
    size_t size = 0;
    int rc;

    for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
        if (!vkshOptExclusive(ctl, cmd, pairs[i][0], pairs[i][1]))
            return false;
    }
    if (!(secret = commandSecret(ctl, cmd, &uuid)))
        return false;
    if (!(value = valueFromOptions(ctl, cmd, &size)))
        return false;
    rc = virSecretSetValue(secret, value, size, 0);
    memset(value, 0, size);
    g_free(value);
    if (rc < 0)
        return false;
    vkshPrintExtra(ctl, "Secret value set\n");
    return true;
}

static bool
cmdSecretUndefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *uuid;
    g_autoptr(virSecret) secret = commandSecret(ctl, cmd, &uuid);

    if (!secret)
        return false;
    if (virSecretUndefine(secret) < 0) {
        vkshError(ctl, "Failed to delete secret %s", uuid);
        return false;
    }
    vkshPrintExtra(ctl, "Secret %s deleted\n", uuid);
    return true;
}

/* ---- secret-list ---- */

static const vkshOptDef optsList[] = {
    { "ephemeral", VKSH_OT_BOOL, 0, "list ephemeral secrets" },
    { "no-ephemeral", VKSH_OT_BOOL, 0, "list non-ephemeral secrets" },
    { "private", VKSH_OT_BOOL, 0, "list private secrets" },
    { "no-private", VKSH_OT_BOOL, 0, "list non-private secrets" },
    OPTS_END,
};

typedef struct {
    char uuid[VIR_UUID_STRING_BUFLEN];
    virSecretPtr secret;
} secretRow;

static int
byUUID(const void *a, const void *b)
{
    return strcmp(((const secretRow *)a)->uuid, ((const secretRow *)b)->uuid);
}

static bool
cmdSecretList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "ephemeral", VIR_CONNECT_LIST_SECRETS_EPHEMERAL },
        { "no-ephemeral", VIR_CONNECT_LIST_SECRETS_NO_EPHEMERAL },
        { "private", VIR_CONNECT_LIST_SECRETS_PRIVATE },
        { "no-private", VIR_CONNECT_LIST_SECRETS_NO_PRIVATE },
    };
    static const char *const usageTypes[] = { "none", "volume", "ceph", "iscsi", "tls", "vtpm" };
    virSecretPtr *secrets = NULL;
    g_autofree secretRow *rows = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if ((n = virConnectListAllSecrets(ctl->conn, &secrets, VKSH_OPT_FLAGS(cmd, map))) < 0) {
        /* virsh falls back to the older count call, and names its failure */
        if (vkshNoSupport() && virConnectNumOfSecrets(ctl->conn) < 0)
            vkshError(ctl, "Failed to count secrets");
        else
            vkshError(ctl, "Failed to list secrets");
        return false;
    }
    rows = g_new0(secretRow, n + 1);
    for (int i = 0; i < n; i++) {
        rows[i].secret = secrets[i];
        virSecretGetUUIDString(secrets[i], rows[i].uuid);
    }
    g_free(secrets);
    qsort(rows, n, sizeof(*rows), byUUID);
    table = vkshTableNew("UUID", "Usage", NULL);
    for (int i = 0; i < n; i++) {
        int type = virSecretGetUsageType(rows[i].secret);
        g_autofree char *usage = NULL;

        if (type > VIR_SECRET_USAGE_TYPE_NONE)
            usage = g_strdup_printf("%s %s", VKSH_ENUM_NAME(usageTypes, type, "unknown"),
                                    virSecretGetUsageID(rows[i].secret));
        vkshTableAddRow(table, rows[i].uuid, usage ? usage : "Unused", NULL);
        virSecretFree(rows[i].secret);
    }
    vkshResetLibError(ctl);
    vkshTablePrint(ctl, table);
    return true;
}

/* ---- the group, in virsh's order ---- */

static VKSH_CMD(cmdDefDefine, "secret-define", cmdSecretDefine, optsDefine,
                "define or modify a secret from an XML file", "Define or modify a secret.");
static VKSH_CMD(cmdDefDumpxml, "secret-dumpxml", cmdSecretDumpxml, optsSecret,
                "secret attributes in XML",
                "Output attributes of a secret as an XML dump to stdout.");
static VKSH_CMD(cmdDefGetValue, "secret-get-value", cmdSecretGetValue, optsGetValue,
                "Output a secret value", "Output a secret value to stdout.");
static VKSH_CMD(cmdDefList, "secret-list", cmdSecretList, optsList, "list secrets",
                "Returns a list of secrets");
static VKSH_CMD(cmdDefSetValue, "secret-set-value", cmdSecretSetValue, optsSetValue,
                "set a secret value", "Set a secret value.");
static VKSH_CMD(cmdDefUndefine, "secret-undefine", cmdSecretUndefine, optsSecret,
                "undefine a secret", "Undefine a secret.");

const vkshCmdDef *const vkshSecretCmds[] = {
    &cmdDefDefine, &cmdDefDumpxml, &vkshCmdSecretEvent, &cmdDefGetValue, &cmdDefList,
    &cmdDefSetValue, &cmdDefUndefine,
    NULL,
};
