/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-hostmem.c: the host's memory and power — freecell, freepages,
 * allocpages, node-memory-tune, nodesuspend and nodesevinfo.  As virsh,
 * the commands that cover "all cells" take the cell IDs (and the page
 * sizes) from the host capabilities, which are scanned with GRegex since
 * the shell links no XML parser. */
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

/* The unsigned numbers that pattern's first group matches in the host
 * part of the capabilities, in document order. */
static GArray *
capsNumbers(vkshCtl *ctl, const char *pattern)
{
    g_autofree char *caps = virConnectGetCapabilities(ctl->conn);
    g_autoptr(GRegex) re = g_regex_new(pattern, G_REGEX_DOTALL, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    GArray *out;
    char *guests;

    if (!caps) {
        vkshError(ctl, "unable to get node capabilities");
        return NULL;
    }
    if ((guests = strstr(caps, "<guest>")))
        *guests = '\0';
    out = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_regex_match(re, caps, 0, &m);
    while (g_match_info_matches(m)) {
        g_autofree char *num = g_match_info_fetch(m, 1);
        unsigned int v = (unsigned int)strtoul(num, NULL, 10);

        g_array_append_val(out, v);
        g_match_info_next(m, NULL);
    }
    return out;
}

GArray *
vkshHostCells(vkshCtl *ctl)
{
    return capsNumbers(ctl, "<cell\\s+id=['\"](\\d+)['\"]");
}

GArray *
vkshHostPageSizes(vkshCtl *ctl)
{
    /* the host <cpu>'s <pages>, not a cell's */
    return capsNumbers(ctl, "<pages\\s+unit=['\"]KiB['\"]\\s+size=['\"](\\d+)['\"]\\s*/>");
}

/* ---- freecell ---- */

static const vkshOptDef optsFreecell[] = {
    { "cellno", VKSH_OT_INT, 0, "NUMA cell number" },
    { "all", VKSH_OT_BOOL, 0, "show free memory for all NUMA cells" },
    { NULL, 0, 0, NULL },
};

static bool
cmdFreecell(vkshCtl *ctl, const vkshCmd *cmd)
{
    unsigned long long mem = 0, total = 0;
    g_autoptr(GArray) cells = NULL;
    int cell = 0, given;

    if (!vkshOptExclusive(ctl, cmd, "all", "cellno"))
        return false;
    if ((given = vkshOptInt(ctl, cmd, "cellno", &cell)) < 0)
        return false;
    if (!vkshOptBool(cmd, "all")) {
        if (given) {
            if (virNodeGetCellsFreeMemory(ctl->conn, &mem, cell, 1) != 1)
                return false;
            vkshPrint(ctl, "%d: %llu KiB\n", cell, mem / 1024);
        } else {
            if ((mem = virNodeGetFreeMemory(ctl->conn)) == 0)
                return false;
            vkshPrint(ctl, "Total: %llu KiB\n", mem / 1024);
        }
        return true;
    }
    if (!(cells = vkshHostCells(ctl)))
        return false;
    for (guint i = 0; i < cells->len; i++) {
        int id = (int)g_array_index(cells, unsigned int, i);

        if (virNodeGetCellsFreeMemory(ctl->conn, &mem, id, 1) != 1)
            return false;
        total += mem;
        vkshPrint(ctl, "%5d: %10llu KiB\n", id, mem / 1024);
    }
    vkshPrint(ctl, "--------------------\n");
    vkshPrint(ctl, "%5s: %10llu KiB\n", "Total", total / 1024);
    return true;
}

/* ---- freepages, allocpages ---- */

static const vkshOptDef optsFreepages[] = {
    { "cellno", VKSH_OT_INT, 0, "NUMA cell number" },
    { "pagesize", VKSH_OT_INT, 0, "page size (in kibibytes)" },
    { "all", VKSH_OT_BOOL, 0, "show free pages for all NUMA cells" },
    { NULL, 0, 0, NULL },
};

/* The page sizes to ask about: --pagesize, else all the host's. */
static GArray *
pageSizes(vkshCtl *ctl, const vkshCmd *cmd, bool *ok)
{
    unsigned long long kib = 0;
    int given = vkshOptScaled(ctl, cmd, "pagesize", &kib, 1024, G_MAXUINT * 1024ULL);
    GArray *sizes;

    *ok = given >= 0;
    if (given < 0)
        return NULL;
    if (given == 0)
        return vkshHostPageSizes(ctl);
    sizes = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    kib /= 1024;
    g_array_append_val(sizes, kib);
    return sizes;
}

static bool
printFreePages(vkshCtl *ctl, GArray *sizes, int cell)
{
    g_autofree unsigned long long *counts = g_new0(unsigned long long, sizes->len);

    if (virNodeGetFreePages(ctl->conn, sizes->len, (unsigned int *)(void *)sizes->data, cell,
                            1, counts, 0) < 0)
        return false;
    for (guint i = 0; i < sizes->len; i++)
        vkshPrint(ctl, "%uKiB: %llu\n", g_array_index(sizes, unsigned int, i), counts[i]);
    return true;
}

static bool
cmdFreepages(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(GArray) sizes = NULL;
    g_autoptr(GArray) cells = NULL;
    int cell = 0, given;
    bool ok;

    if (!vkshOptExclusive(ctl, cmd, "all", "cellno"))
        return false;
    if ((given = vkshOptInt(ctl, cmd, "cellno", &cell)) < 0)
        return false;
    if (!vkshOptBool(cmd, "all")) {
        /* one cell: virsh wants both, and no page size from the host */
        if (!given) {
            vkshError(ctl, "missing cellno argument");
            return false;
        }
        if (!vkshOptString(cmd, "pagesize")) {
            vkshError(ctl, "missing pagesize argument");
            return false;
        }
    }
    if (!(sizes = pageSizes(ctl, cmd, &ok)))
        return false;
    if (!vkshOptBool(cmd, "all"))
        return printFreePages(ctl, sizes, cell);
    if (!(cells = vkshHostCells(ctl)))
        return false;
    for (guint i = 0; i < cells->len; i++) {
        int id = (int)g_array_index(cells, unsigned int, i);

        vkshPrint(ctl, "Node %d:\n", id);
        if (!printFreePages(ctl, sizes, id))
            return false;
        vkshPrint(ctl, "\n");
    }
    return true;
}

static const vkshOptDef optsAllocpages[] = {
    { "pagesize", VKSH_OT_INT, VKSH_OFLAG_REQ, "page size (in kibibytes)" },
    { "pagecount", VKSH_OT_INT, VKSH_OFLAG_REQ, "page count" },
    { "cellno", VKSH_OT_INT, 0, "NUMA cell number" },
    { "add", VKSH_OT_BOOL, 0, "instead of setting new pool size add pages to it" },
    { "all", VKSH_OT_BOOL, 0, "set on all NUMA cells" },
    { NULL, 0, 0, NULL },
};

static bool
cmdAllocpages(vkshCtl *ctl, const vkshCmd *cmd)
{
    unsigned int flags = vkshOptBool(cmd, "add") ? VIR_NODE_ALLOC_PAGES_ADD
                                                 : VIR_NODE_ALLOC_PAGES_SET;
    unsigned long long kib = 0, count = 0;
    unsigned int size;
    g_autoptr(GArray) cells = NULL;
    int cell = -1;

    if (!vkshOptExclusive(ctl, cmd, "all", "cellno"))
        return false;
    if (vkshOptInt(ctl, cmd, "cellno", &cell) < 0 ||
        vkshOptScaled(ctl, cmd, "pagesize", &kib, 1024, G_MAXUINT * 1024ULL) < 0 ||
        vkshOptScaled(ctl, cmd, "pagecount", &count, 1, G_MAXUINT64) < 0)
        return false;
    size = (unsigned int)(kib / 1024);
    if (!vkshOptBool(cmd, "all"))
        return virNodeAllocPages(ctl->conn, 1, &size, &count, cell, 1, flags) >= 0;
    if (!(cells = vkshHostCells(ctl)))
        return false;
    for (guint i = 0; i < cells->len; i++) {
        if (virNodeAllocPages(ctl->conn, 1, &size, &count,
                              (int)g_array_index(cells, unsigned int, i), 1, flags) < 0)
            return false;
    }
    return true;
}

/* ---- node-memory-tune ---- */

static const vkshOptDef optsMemoryTune[] = {
    { "shm-pages-to-scan", VKSH_OT_INT, 0,
      "number of pages to scan before the shared memory service goes to sleep" },
    { "shm-sleep-millisecs", VKSH_OT_INT, 0,
      "number of millisecs the shared memory service should sleep before next scan" },
    { "shm-merge-across-nodes", VKSH_OT_INT, 0,
      "Specifies if pages from different numa nodes can be merged" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNodeMemoryTune(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const struct { const char *opt, *field; } sets[] = {
        { "shm-pages-to-scan", VIR_NODE_MEMORY_SHARED_PAGES_TO_SCAN },
        { "shm-sleep-millisecs", VIR_NODE_MEMORY_SHARED_SLEEP_MILLISECS },
        { "shm-merge-across-nodes", VIR_NODE_MEMORY_SHARED_MERGE_ACROSS_NODES },
    };
    virTypedParameterPtr params = NULL;
    int nparams = 0, maxparams = 0;
    bool ok = false;

    for (size_t i = 0; i < G_N_ELEMENTS(sets); i++) {
        int v;
        int rc = vkshOptInt(ctl, cmd, sets[i].opt, &v);

        if (rc < 0)
            goto cleanup;
        if (rc > 0 && virTypedParamsAddUInt(&params, &nparams, &maxparams,
                                            sets[i].field, (unsigned int)v) < 0)
            goto cleanup;
    }
    if (nparams > 0) {
        if (virNodeSetMemoryParameters(ctl->conn, params, nparams, 0) < 0) {
            vkshError(ctl, "Unable to change memory parameters");
            goto cleanup;
        }
        ok = true;
        goto cleanup;
    }
    if (virNodeGetMemoryParameters(ctl->conn, NULL, &nparams, 0) < 0) {
        vkshError(ctl, "Unable to get number of memory parameters");
        goto cleanup;
    }
    if (nparams > 0) {
        params = g_new0(virTypedParameter, nparams);
        if (virNodeGetMemoryParameters(ctl->conn, params, &nparams, 0) < 0) {
            vkshError(ctl, "Unable to get memory parameters");
            goto cleanup;
        }
        vkshPrint(ctl, "Shared memory:\n");
        for (int i = 0; i < nparams; i++) {
            g_autofree char *v = vkshTypedParamString(&params[i]);

            vkshPrint(ctl, "\t%-15s %s\n", params[i].field, v);
        }
    }
    ok = true;
 cleanup:
    virTypedParamsFree(params, nparams);
    return ok;
}

/* ---- nodesuspend, nodesevinfo ---- */

static const vkshOptDef optsNodesuspend[] = {
    { "target", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "mem(Suspend-to-RAM), disk(Suspend-to-Disk), hybrid(Hybrid-Suspend)" },
    { "duration", VKSH_OT_INT, VKSH_OFLAG_REQ, "Suspend duration in seconds, at least 60" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNodesuspend(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const targets[] = { "mem", "disk", "hybrid" };
    const char *target = vkshOptString(cmd, "target");
    int duration = 0, t = -1;

    if (vkshOptInt(ctl, cmd, "duration", &duration) < 0)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(targets); i++) {
        if (strcmp(target, targets[i]) == 0)
            t = (int)i;
    }
    if (t < 0) {
        vkshError(ctl, "Invalid target");
        return false;
    }
    if (duration < 0) {
        vkshError(ctl, "Invalid duration");
        return false;
    }
    if (virNodeSuspendForDuration(ctl->conn, t, duration, 0) < 0) {
        vkshError(ctl, "The host was not suspended");
        return false;
    }
    return true;
}

static const vkshOptDef optsNone[] = { { NULL, 0, 0, NULL } };

static bool
cmdNodesevinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;

    if (virNodeGetSEVInfo(ctl->conn, &params, &nparams, 0) < 0) {
        vkshError(ctl, "Unable to get host SEV information");
        return false;
    }
    for (int i = 0; i < nparams; i++) {
        g_autofree char *v = vkshTypedParamString(&params[i]);

        vkshPrint(ctl, "%-18s: %s\n", params[i].field, v);
    }
    virTypedParamsFree(params, nparams);
    return true;
}

VKSH_CMD(vkshCmdFreecell, "freecell", cmdFreecell, optsFreecell, "NUMA free memory",
         "display available free memory for the NUMA cell.");
VKSH_CMD(vkshCmdFreepages, "freepages", cmdFreepages, optsFreepages, "NUMA free pages",
         "display available free pages for the NUMA cell.");
VKSH_CMD(vkshCmdAllocpages, "allocpages", cmdAllocpages, optsAllocpages,
         "Manipulate pages pool size",
         "Allocate or free some pages in the pool for NUMA cell.");
VKSH_CMD(vkshCmdNodeMemoryTune, "node-memory-tune", cmdNodeMemoryTune, optsMemoryTune,
         "Get or set node memory parameters",
         "Get or set node memory parameters\n"
         "    To get the memory parameters, use following command: \n\n"
         "    virsh # node-memory-tune");
VKSH_CMD(vkshCmdNodesuspend, "nodesuspend", cmdNodesuspend, optsNodesuspend,
         "suspend the host node for a given time duration",
         "Suspend the host node for a given time duration and attempt to resume thereafter.");
VKSH_CMD(vkshCmdNodesevinfo, "nodesevinfo", cmdNodesevinfo, optsNone, "node SEV information",
         "Returns basic SEV information about the node.");
