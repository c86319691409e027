/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reattaching to running containers when a state is created (a daemon's
 * restart, or an embedding application opening its root again).
 *
 * The supervisors outlive whoever started them; ROOT/run/<name>.xml says
 * which pid is the supervisor, which is the init, and where the cgroup
 * is.  A supervisor still there (checked by its comm, since pids are
 * reused) is followed again through a new pidfd; one that is gone has
 * its leftovers (cgroup, status files) removed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"

/* Is pid still the supervisor we started?  Its comm carries our prefix. */
static bool
isSupervisor(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/comm", pid);
    g_autofree char *comm = NULL;

    return g_file_get_contents(path, &comm, NULL, NULL) &&
           g_str_has_prefix(comm, VK_LXC_PROC_PREFIX);
}

static int
attrInt(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = v ? atoi((const char *)v) : -1;

    xmlFree(v);
    return r;
}

static void
reattachOne(vkLxcState *st, const char *path)
{
    g_autofree char *text = NULL;
    g_autofree char *cgPath = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root, n;
    vkLxcDomain *obj;
    vkLxcRun *run;
    int sup, init, cstate, id, pidfd = -1;
    g_autofree char *exitPath = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    doc = xmlReadMemory(text, strlen(text), path, NULL, XML_PARSE_NONET);
    if (!doc || !(root = xmlDocGetRootElement(doc)) ||
        strcmp((const char *)root->name, "domstatus") != 0)
        goto bad;
    sup = attrInt(root, "supervisor");
    init = attrInt(root, "init");
    cstate = attrInt(root, "cstate");
    id = attrInt(root, "id");
    {
        xmlChar *v = xmlGetProp(root, (const xmlChar *)"cgroup");

        cgPath = v ? g_strdup((const char *)v) : NULL;
        xmlFree(v);
    }
    for (n = root->children; n && n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    if (!n || sup <= 0 || !cgPath || !(def = vkDomainDefParseNode(n, "lxc", 0)))
        goto bad;
    exitPath = g_strndup(path, strlen(path) - 4);
    {
        char *e = g_strconcat(exitPath, ".exit", NULL);

        g_free(exitPath);
        exitPath = e;
    }
    if (!isSupervisor(sup) || (pidfd = pidfd_open(sup, 0)) < 0) {
        /* It ended while nobody watched: clean up what it left. */
        g_autoptr(vkCgroup) cg = vkCgroupOpen(cgPath);

        if (cg) {
            vkCgroupKill(cg);
            vkCgroupRemove(cg);
        }
        vkErrorReset();
        g_unlink(path);
        g_unlink(exitPath);
        xmlFreeDoc(doc);
        return;
    }
    if (!(obj = vkLxcDomainAdd(st, &def, true)))
        goto bad;
    run = g_new0(vkLxcRun, 1);
    run->gen = ++obj->nextGen;
    run->stopWhy = -1;
    run->supervisor = sup;
    run->init = init;
    run->supervisorPidfd = pidfd;
    run->initPidfd = init > 0 ? pidfd_open(init, 0) : -1;
    run->statusPath = g_strdup(path);
    run->consolePath = vkLxcRunFile(st, obj->name, ".console");
    run->exitPath = g_steal_pointer(&exitPath);
    run->cgroup = vkCgroupOpen(cgPath);
    if (!run->cgroup) {
        close(pidfd);
        g_free(run->statusPath);
        g_free(run->exitPath);
        g_free(run->consolePath);
        g_free(run);
        goto bad;
    }
    obj->run = run;
    obj->id = id > 0 ? id : vkDomainListNewID(&st->domains);
    obj->def->id = obj->id;
    vkDomainListReserveID(&st->domains, obj->id);
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    vkLxcSetState(st, obj, cstate == VK_CONTAINER_PAUSED ? VK_CONTAINER_PAUSED :
                  VK_CONTAINER_RUNNING, VK_CONTAINER_WHY_RESTORED);
    vkLxcWatchRun(st, obj);
    xmlFreeDoc(doc);
    return;

 bad:
    g_warning("LXC driver: cannot reattach from '%s': %s", path,
              vkErrorIsSet() ? vkErrorGetLast()->message : "bad status file");
    vkErrorReset();
    if (pidfd >= 0)
        close(pidfd);
    if (doc)
        xmlFreeDoc(doc);
}

void
vkLxcReattachAll(vkLxcState *st)
{
    g_autoptr(GDir) dir = g_dir_open(st->runDir, 0, NULL);
    const char *n;

    while (dir && (n = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;

        if (n[0] == '.' || !g_str_has_suffix(n, ".xml"))
            continue;
        path = g_build_filename(st->runDir, n, NULL);
        reattachOne(st, path);
    }
}
