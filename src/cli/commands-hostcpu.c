/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-hostcpu.c: CPU models against the host (cpu-baseline,
 * cpu-compare and their hypervisor-cpu-* variants) and the native config
 * converters (domxml-from-native, domxml-to-native).  As virsh, the CPU
 * commands accept any document that contains <cpu> elements — a CPU, a
 * domain, the capabilities — and pass each <cpu> on; the elements are cut
 * out with GRegex since the shell links no XML parser. */
#include <string.h>

#include "vksh.h"

/* The <cpu> elements of the file opt names (outside any <cpus> list), as
 * strings; NULL after an error. */
static GPtrArray *
cpuElements(vkshCtl *ctl, const vkshCmd *cmd, const char *opt)
{
    const char *file = vkshOptString(cmd, opt);
    g_autofree char *xml = vkshReadFile(ctl, file);
    g_autoptr(GRegex) re = NULL;
    g_autoptr(GMatchInfo) m = NULL;
    GPtrArray *cpus;

    if (!xml)
        return NULL;
    re = g_regex_new("<cpu(\\s[^>]*)?(/>|>.*?</cpu>)", G_REGEX_DOTALL, 0, NULL);
    cpus = g_ptr_array_new_with_free_func(g_free);
    g_regex_match(re, xml, 0, &m);
    while (g_match_info_matches(m)) {
        g_ptr_array_add(cpus, g_match_info_fetch(m, 0));
        g_match_info_next(m, NULL);
    }
    if (cpus->len == 0) {
        vkshError(ctl, "File '%s' does not contain any <cpu> element or valid domain XML, "
                  "host capabilities XML, or domain capabilities XML", file);
        g_ptr_array_unref(cpus);
        return NULL;
    }
    return cpus;
}

/* ---- the baselines ---- */

#define OPTS_HYPERVISOR \
    { "virttype", VKSH_OT_STRING, 0, "virtualization type (/domain/@type)" }, \
    { "emulator", VKSH_OT_STRING, 0, "path to emulator binary (/domain/devices/emulator)" }, \
    { "arch", VKSH_OT_STRING, 0, "CPU architecture (/domain/os/type/@arch)" }, \
    { "machine", VKSH_OT_STRING, 0, "machine type (/domain/os/type/@machine)" }
#define OPTS_BASELINE_FLAGS \
    { "features", VKSH_OT_BOOL, 0, "Show features that are part of the CPU model type" }, \
    { "migratable", VKSH_OT_BOOL, 0, "Do not include features that block migration" }

static const vkshOptFlag baselineFlags[] = {
    { "features", VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES },
    { "migratable", VIR_CONNECT_BASELINE_CPU_MIGRATABLE },
};

static const vkshOptDef optsBaseline[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing XML CPU descriptions" },
    OPTS_BASELINE_FLAGS,
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsHvBaseline[] = {
    { "file", VKSH_OT_STRING, 0, "file containing XML CPU descriptions" },
    OPTS_HYPERVISOR,
    OPTS_BASELINE_FLAGS,
    { "model", VKSH_OT_STRING, 0,
      "Shortcut for calling the command with a single CPU model and no additional features" },
    { NULL, 0, 0, NULL },
};

static bool
cmdBaseline(vkshCtl *ctl, const vkshCmd *cmd)
{
    bool hypervisor = strcmp(cmd->def->name, "hypervisor-cpu-baseline") == 0;
    const char *model = hypervisor ? vkshOptString(cmd, "model") : NULL;
    unsigned int flags = VKSH_OPT_FLAGS(cmd, baselineFlags);
    g_autoptr(GPtrArray) cpus = NULL;
    g_autofree char *result = NULL;

    if (hypervisor) {
        if (!vkshOptExclusive(ctl, cmd, "file", "model"))
            return false;
        if (!model && !vkshOptString(cmd, "file")) {
            vkshError(ctl, "Either --file or --model must be provided");
            return false;
        }
    }
    if (model) {
        cpus = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(cpus, g_strdup_printf("<cpu>\n  <model>%s</model>\n</cpu>", model));
    } else if (!(cpus = cpuElements(ctl, cmd, "file"))) {
        return false;
    }
    if (hypervisor)
        result = virConnectBaselineHypervisorCPU(ctl->conn, vkshOptString(cmd, "emulator"),
                                                 vkshOptString(cmd, "arch"),
                                                 vkshOptString(cmd, "machine"),
                                                 vkshOptString(cmd, "virttype"),
                                                 (const char **)cpus->pdata, cpus->len, flags);
    else
        result = virConnectBaselineCPU(ctl->conn, (const char **)cpus->pdata, cpus->len, flags);
    if (!result)
        return false;
    vkshPrint(ctl, "%s", result);
    return true;
}

/* ---- the comparisons ---- */

static const vkshOptDef optsCompare[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML CPU description" },
    { "error", VKSH_OT_BOOL, 0, "report error if CPUs are incompatible" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML document against schema" },
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsHvCompare[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML CPU description" },
    OPTS_HYPERVISOR,
    { "error", VKSH_OT_BOOL, 0, "report error if CPUs are incompatible" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML document against schema" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCompare(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "error", VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE },
        { "validate", VIR_CONNECT_COMPARE_CPU_VALIDATE_XML },
    };
    bool hypervisor = strcmp(cmd->def->name, "hypervisor-cpu-compare") == 0;
    const char *file = vkshOptString(cmd, "file");
    g_autoptr(GPtrArray) cpus = cpuElements(ctl, cmd, "file");
    const char *what = hypervisor ? "the CPU provided by hypervisor on the host" : "host CPU";
    int result;

    if (!cpus)
        return false;
    if (hypervisor)
        result = virConnectCompareHypervisorCPU(ctl->conn, vkshOptString(cmd, "emulator"),
                                                vkshOptString(cmd, "arch"),
                                                vkshOptString(cmd, "machine"),
                                                vkshOptString(cmd, "virttype"),
                                                cpus->pdata[0], VKSH_OPT_FLAGS(cmd, map));
    else
        result = virConnectCompareCPU(ctl->conn, cpus->pdata[0], VKSH_OPT_FLAGS(cmd, map));

    switch (result) {
    case VIR_CPU_COMPARE_INCOMPATIBLE:
        vkshPrint(ctl, "CPU described in %s is incompatible with %s\n", file, what);
        return false;
    case VIR_CPU_COMPARE_IDENTICAL:
        vkshPrint(ctl, "CPU described in %s is identical to %s\n", file, what);
        return true;
    case VIR_CPU_COMPARE_SUPERSET:
        vkshPrint(ctl, "%s is a superset of CPU described in %s\n",
                  hypervisor ? "The CPU provided by hypervisor on the host" : "Host CPU", file);
        return true;
    default:
        vkshError(ctl, hypervisor ? "Failed to compare hypervisor CPU with %s"
                                  : "Failed to compare host CPU with %s", file);
        return false;
    }
}

/* ---- domxml-from-native, domxml-to-native ---- */

static const vkshOptDef optsFromNative[] = {
    { "format", VKSH_OT_DATA, VKSH_OFLAG_REQ, "source config data format" },
    { "config", VKSH_OT_DATA, VKSH_OFLAG_REQ, "config data file to import from" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomxmlFromNative(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *config = vkshReadFile(ctl, vkshOptString(cmd, "config"));
    g_autofree char *xml = NULL;

    if (!config)
        return false;
    if (!(xml = virConnectDomainXMLFromNative(ctl->conn, vkshOptString(cmd, "format"),
                                              config, 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static const vkshOptDef optsToNative[] = {
    { "format", VKSH_OT_DATA, VKSH_OFLAG_REQ, "target config data type format" },
    { "domain", VKSH_OT_STRING, 0, "domain name, id or uuid" },
    { "xml", VKSH_OT_STRING, 0, "xml data file to export from" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomxmlToNative(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *domName = vkshOptString(cmd, "domain");
    const char *file = vkshOptString(cmd, "xml");
    g_autofree char *xml = NULL;
    g_autofree char *native = NULL;

    if (!vkshOptExclusive(ctl, cmd, "domain", "xml"))
        return false;
    if (domName) {
        g_autoptr(virDomain) dom = vkshLookupDomain(ctl, domName, VKSH_BYANY);

        if (!dom || !(xml = virDomainGetXMLDesc(dom, 0)))
            return false;
    } else if (file) {
        if (!(xml = vkshReadFile(ctl, file)))
            return false;
    } else {
        vkshError(ctl, "need either domain or domain XML");
        return false;
    }
    if (!(native = virConnectDomainXMLToNative(ctl->conn, vkshOptString(cmd, "format"),
                                               xml, 0)))
        return false;
    vkshPrint(ctl, "%s", native);
    return true;
}

VKSH_CMD(vkshCmdCpuBaseline, "cpu-baseline", cmdBaseline, optsBaseline,
         "compute baseline CPU", "Compute baseline CPU for a set of given CPUs.");
VKSH_CMD(vkshCmdCpuCompare, "cpu-compare", cmdCompare, optsCompare,
         "compare host CPU with a CPU described by an XML file",
         "compare CPU with host CPU");
VKSH_CMD(vkshCmdHypervisorCpuBaseline, "hypervisor-cpu-baseline", cmdBaseline, optsHvBaseline,
         "compute baseline CPU usable by a specific hypervisor",
         "Compute baseline CPU for a set of given CPUs. The result will be tailored to the "
         "specified hypervisor.");
VKSH_CMD(vkshCmdHypervisorCpuCompare, "hypervisor-cpu-compare", cmdCompare, optsHvCompare,
         "compare a CPU with the CPU created by a hypervisor on the host",
         "compare CPU with hypervisor CPU");
VKSH_CMD(vkshCmdDomxmlFromNative, "domxml-from-native", cmdDomxmlFromNative, optsFromNative,
         "Convert native config to domain XML",
         "Convert native guest configuration format to domain XML format.");
VKSH_CMD(vkshCmdDomxmlToNative, "domxml-to-native", cmdDomxmlToNative, optsToNative,
         "Convert domain XML to native config",
         "Convert domain XML config to a native guest configuration format.");
