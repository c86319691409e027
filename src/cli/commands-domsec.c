/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domsec.c: commands that hand the hypervisor something of the
 * host's — domsetlaunchsecstate (a SEV secret injected into guest
 * memory), dom-fd-associate (file descriptors for the domain to use) and
 * lxc-enter-namespace (a host command run inside a container's
 * namespaces). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virtkit/virtkit-lxc.h"
#include "vksh.h"

/* ---- domsetlaunchsecstate ---- */

static const vkshOptDef optsSetLaunchSec[] = {
    VKSH_OPT_DOMAIN,
    { "secrethdr", VKSH_OT_STRING, 0, "path to file containing the secret header" },
    { "secret", VKSH_OT_STRING, 0, "path to file containing the secret" },
    { "set-address", VKSH_OT_INT, 0,
      "physical address within the guest domain's memory to set the secret" },
    { NULL, 0, 0, NULL },
};

/* The file's bytes, base64-encoded as the API takes them. */
static char *
readBase64(vkshCtl *ctl, const char *path)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        vkshError(ctl, "Failed to open file '%s': %s", path,
                  gerr->code == G_FILE_ERROR_NOENT ? g_strerror(ENOENT) : gerr->message);
        return NULL;
    }
    return g_base64_encode((const guchar *)data, len);
}

static bool
cmdSetLaunchSec(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *hdrFile = vkshOptString(cmd, "secrethdr");
    const char *secFile = vkshOptString(cmd, "secret");
    const char *addrText = vkshOptString(cmd, "set-address");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autofree char *hdr = NULL;
    g_autofree char *sec = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    guint64 addr = 0;
    bool ok = false;

    if (!dom)
        return false;
    if (addrText && !g_ascii_string_to_unsigned(addrText, 10, 0, G_MAXUINT64, &addr, NULL)) {
        vkshError(ctl, "Numeric value '%s' for <set-address> option is malformed or out of range",
                  addrText);
        return false;
    }
    if (!hdrFile || !secFile) {
        vkshError(ctl, "%s", "Both secret and the secret header are required");
        return false;
    }
    if (!(hdr = readBase64(ctl, hdrFile)) || !(sec = readBase64(ctl, secFile)))
        return false;
    if (virTypedParamsAddString(&params, &n, &max,
                                VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET_HEADER, hdr) < 0 ||
        virTypedParamsAddString(&params, &n, &max,
                                VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET, sec) < 0 ||
        (addrText && virTypedParamsAddULLong(&params, &n, &max,
                                             VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET_SET_ADDRESS,
                                             addr) < 0))
        goto out;
    if (virDomainSetLaunchSecurityState(dom, params, n, 0) < 0) {
        vkshError(ctl, "%s", "Unable to set launch security state");
        goto out;
    }
    ok = true;
 out:
    virTypedParamsFree(params, n);
    return ok;
}

/* ---- dom-fd-associate ---- */

static const vkshOptDef optsFdAssociate[] = {
    VKSH_OPT_DOMAIN,
    { "name", VKSH_OT_DATA, VKSH_OFLAG_REQ, "name of the FD group" },
    { "pass-fds", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file descriptors N,M,... to associate" },
    { "seclabel-writable", VKSH_OT_BOOL, 0, "use seclabels allowing writes" },
    { "seclabel-restore", VKSH_OT_BOOL, 0, "try to restore security label after use if possible" },
    { NULL, 0, 0, NULL },
};

static bool
cmdFdAssociate(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "seclabel-writable", VIR_DOMAIN_FD_ASSOCIATE_SECLABEL_WRITABLE },
        { "seclabel-restore", VIR_DOMAIN_FD_ASSOCIATE_SECLABEL_RESTORE },
    };
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_auto(GStrv) words = g_strsplit(vkshOptString(cmd, "pass-fds"), ",", -1);
    g_autofree int *fds = g_new0(int, g_strv_length(words) + 1);
    unsigned int nfds = 0;

    if (!dom)
        return false;
    for (size_t i = 0; words[i]; i++) {
        guint64 v;

        if (!g_ascii_string_to_unsigned(words[i], 10, 0, G_MAXINT, &v, NULL)) {
            vkshError(ctl, "Unable to parse FD number '%s'", words[i]);
            return false;
        }
        fds[nfds++] = (int)v;
    }
    if (virDomainFDAssociate(dom, vkshOptString(cmd, "name"), nfds, fds,
                             VKSH_OPT_FLAGS(cmd, map)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

/* ---- lxc-enter-namespace ---- */

static const vkshOptDef optsLxcEnter[] = {
    VKSH_OPT_DOMAIN,
    { "noseclabel", VKSH_OT_BOOL, 0, "Do not change process security label" },
    { "cmd", VKSH_OT_ARGV, VKSH_OFLAG_REQ, "command to run" },
    { NULL, 0, 0, NULL },
};

/* In the child: the container's security label unless noseclabel,
 * its namespaces, then the command (split on spaces, as joined). */
static G_GNUC_NORETURN void
lxcChild(virDomainPtr dom, int *fds, int nfds, bool seclabel, const char *command)
{
    g_auto(GStrv) argv = g_strsplit(command, " ", -1);
    virSecurityModel model;
    virSecurityLabel label;

    if (seclabel) {
        memset(&model, 0, sizeof(model));
        memset(&label, 0, sizeof(label));
        if (virNodeGetSecurityModel(virDomainGetConnect(dom), &model) < 0 ||
            virDomainGetSecurityLabel(dom, &label) < 0 ||
            virDomainLxcEnterSecurityLabel(&model, &label, NULL, 0) < 0)
            _exit(125);
    }
    if (virDomainLxcEnterCGroup(dom, 0) < 0 ||
        virDomainLxcEnterNamespace(dom, nfds, fds, NULL, NULL, 0) < 0)
        _exit(125);
    execvp(argv[0], argv);
    _exit(errno == ENOENT ? 127 : 126);
}

static bool
cmdLxcEnter(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    int *fds = NULL;
    int nfds, status = 0;
    pid_t pid;

    if (!dom)
        return false;
    if ((nfds = virDomainLxcOpenNamespace(dom, &fds, 0)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    fflush(stdout);
    if ((pid = fork()) < 0) {
        vkshError(ctl, "%s", "Fork failed");
    } else if (pid == 0) {
        lxcChild(dom, fds, nfds, !vkshOptBool(cmd, "noseclabel"), vkshOptString(cmd, "cmd"));
    } else {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    for (int i = 0; i < nfds; i++)
        close(fds[i]);
    free(fds);
    if (pid <= 0)
        return false;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        vkshError(ctl, "%s", "internal error: Child process exited with non-zero status");
        return false;
    }
    return true;
}

VKSH_CMD(vkshCmdDomsetlaunchsecstate, "domsetlaunchsecstate", cmdSetLaunchSec, optsSetLaunchSec,
         "Set domain launch security state", "Set a secret in the guest domain's memory");
VKSH_CMD(vkshCmdDomFdAssociate, "dom-fd-associate", cmdFdAssociate, optsFdAssociate,
         "associate a FD with a domain", "associate a FD with a domain");
VKSH_CMD(vkshCmdLxcEnterNamespace, "lxc-enter-namespace", cmdLxcEnter, optsLxcEnter,
         "LXC Guest Enter Namespace",
         "Run an arbitrary command in a lxc guest namespace; use at your own risk");
