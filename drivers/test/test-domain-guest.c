/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Calls that reach into the guest or its threads, answered the way
 * libvirt 9.0's test driver answers them (tried call by call): an NMI, a
 * signal, a password and the console messages are accepted and change
 * nothing; the guest's two file systems ("/" and "/boot", as
 * virDomainGetFSInfo shows them) freeze and thaw, counting the ones whose
 * state changed; memory reads as the byte sequence of its addresses; vCPU
 * and emulator pins are written to the <cputune> kept in the definition.
 */
#define VIR_FROM_THIS VIR_FROM_TEST
#include <string.h>

#include "drivers/test/test-private.h"
#include "conf/cpuset.h"
#include "util/error.h"

static const char *const guestMounts[] = { "/", "/boot" };

int
vkTestDomainInjectNMI(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;

    VK_TEST_CHECK_FLAGS("testDomainInjectNMI", 0, flags);
    if (!vkTestDomainGetActive(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSetUserPassword(virDomainPtr dom, const char *user, const char *password,
                            unsigned int flags)
{
    vkTestState *st;

    VK_TEST_CHECK_FLAGS("testDomainSetUserPassword", VIR_DOMAIN_PASSWORD_ENCRYPTED, flags);
    if (!vkTestDomainGetActive(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSendProcessSignal(virDomainPtr dom, long long pid_value, unsigned int signum,
                              unsigned int flags)
{
    vkTestState *st;

    VK_TEST_CHECK_FLAGS("testDomainSendProcessSignal", 0, flags);
    if (signum >= VIR_DOMAIN_PROCESS_SIGNAL_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "signum value %u is out of range", signum);
        return -1;
    }
    if (!vkTestDomainGet(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainGetMessages(virDomainPtr dom, char ***msgs, unsigned int flags)
{
    vkTestState *st;

    VK_TEST_CHECK_FLAGS("testDomainGetMessages", VIR_DOMAIN_MESSAGE_DEPRECATION |
                        VIR_DOMAIN_MESSAGE_TAINTING, flags);
    if (!vkTestDomainGet(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    *msgs = g_new0(char *, 1);
    return 0;
}

int
vkTestDomainGetLaunchSecurityInfo(virDomainPtr dom, virTypedParameterPtr *params,
                                  int *nparams, unsigned int flags)
{
    vkTestState *st;

    VK_TEST_CHECK_FLAGS("testDomainGetLaunchSecurityInfo", 0, flags);
    if (!vkTestDomainGet(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    *params = NULL;
    *nparams = 0;
    return 0;
}

/* Freeze (or thaw) the mount points given, or all; the number whose
 * state changed.  An unknown one fails the call before anything changes. */
static int
fsSet(virDomainPtr dom, const char *fn, const char **mountpoints, unsigned int nmountpoints,
      unsigned int flags, bool freeze)
{
    unsigned int want = 0;
    vkTestState *st;
    vkTestDomain *obj;
    int changed = 0;

    VK_TEST_CHECK_FLAGS(fn, 0, flags);
    if (!(obj = vkTestDomainGetActive(dom, &st)))
        return -1;
    for (unsigned int i = 0; i < nmountpoints; i++) {
        unsigned int k = 0;

        while (k < G_N_ELEMENTS(guestMounts) && strcmp(guestMounts[k], mountpoints[i]) != 0)
            k++;
        if (k == G_N_ELEMENTS(guestMounts)) {
            g_mutex_unlock(&st->lock);
            vkReportError(VIR_ERR_OPERATION_INVALID, "mount point not found: %s",
                          mountpoints[i]);
            return -1;
        }
        want |= 1u << k;
    }
    if (nmountpoints == 0)
        want = (1u << G_N_ELEMENTS(guestMounts)) - 1;
    for (unsigned int k = 0; k < G_N_ELEMENTS(guestMounts); k++) {
        bool frozen = obj->frozenFs & (1u << k);

        if (!(want & (1u << k)) || frozen == freeze)
            continue;
        obj->frozenFs ^= 1u << k;
        changed++;
    }
    g_mutex_unlock(&st->lock);
    return changed;
}

int
vkTestDomainFSFreeze(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                     unsigned int flags)
{
    return fsSet(dom, "testDomainFSFreeze", mountpoints, nmountpoints, flags, true);
}

int
vkTestDomainFSThaw(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                   unsigned int flags)
{
    return fsSet(dom, "testDomainFSThaw", mountpoints, nmountpoints, flags, false);
}

/* Nothing to trim in a guest that has no disks: a running domain is all
 * the call asks for. */
int
vkTestDomainFSTrim(virDomainPtr dom, const char *mountPoint, unsigned long long minimum,
                   unsigned int flags)
{
    vkTestState *st;

    (void)mountPoint;
    (void)minimum;
    VK_TEST_CHECK_FLAGS("testDomainFSTrim", 0, flags);
    if (!vkTestDomainGetActive(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainMemoryPeek(virDomainPtr dom, unsigned long long start, size_t size,
                       void *buffer, unsigned int flags)
{
    unsigned char *b = buffer;
    vkTestState *st;

    VK_TEST_CHECK_FLAGS("testDomainMemoryPeek", VIR_MEMORY_VIRTUAL | VIR_MEMORY_PHYSICAL,
                        flags);
    if (!flags) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "flags parameter must be VIR_MEMORY_VIRTUAL or VIR_MEMORY_PHYSICAL");
        return -1;
    }
    if (!vkTestDomainGetActive(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    for (size_t i = 0; i < size; i++)
        b[i] = (unsigned char)((start + i) & 0xff);
    return 0;
}

/* ---- pins ---- */

/* The host CPUs set in cpumap, as a cpuset. */
static char *
mapToSet(vkTestState *st, const unsigned char *cpumap, int maplen)
{
    int ncpus = MIN(vkTestHostCPUs(st), maplen * 8);
    g_autofree guint8 *bits = g_new0(guint8, VK_CPUSET_MAX + 1);

    for (int i = 0; i < ncpus; i++)
        bits[i] = (cpumap[i / 8] >> (i % 8)) & 1;
    return vkCpusetFormat(bits, ncpus);
}

static void
setPin(vkDomainDef *def, const char *elem, const char *key, const char *val,
       const char *cpuset)
{
    vkXmlElem *pin = vkTestTuneChild(vkTestTuneTop(def, "cputune", true), elem, key, val,
                                     true);

    vkXmlElemSetAttr(pin, "cpuset", cpuset);
}

int
vkTestDomainPinVcpuFlags(virDomainPtr dom, unsigned int vcpu, unsigned char *cpumap,
                         int maplen, unsigned int flags)
{
    g_autofree char *set = NULL;
    g_autofree char *num = NULL;
    vkTestState *st;
    vkTestDomain *obj;

    VK_TEST_CHECK_FLAGS("testDomainPinVcpuFlags", 0, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (obj->id < 0) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot pin vcpus on an inactive domain");
        return -1;
    }
    if (vcpu >= obj->def->vcpus) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INVALID_ARG, "requested vcpu '%u' is not present in the domain",
                      vcpu);
        return -1;
    }
    set = mapToSet(st, cpumap, maplen);
    num = g_strdup_printf("%u", vcpu);
    setPin(obj->def, "vcpupin", "vcpu", num, set);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainPinVcpu(virDomainPtr dom, unsigned int vcpu, unsigned char *cpumap, int maplen)
{
    return vkTestDomainPinVcpuFlags(dom, vcpu, cpumap, maplen, 0);
}

int
vkTestDomainPinEmulator(virDomainPtr dom, unsigned char *cpumap, int maplen,
                        unsigned int flags)
{
    g_autofree char *set = NULL;
    vkDomainDef *live, *config;
    vkTestState *st;
    vkTestDomain *obj;

    VK_TEST_CHECK_FLAGS("testDomainPinEmulator",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    set = mapToSet(st, cpumap, maplen);
    if (live)
        setPin(live, "emulatorpin", NULL, NULL, set);
    if (config)
        setPin(config, "emulatorpin", NULL, NULL, set);
    g_mutex_unlock(&st->lock);
    return 0;
}
