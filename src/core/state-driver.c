/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state-driver table (see state-driver.h).
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"
#include "core/state-driver.h"

#define VK_MAX_STATE_DRIVERS 16

static const vkStateDriver *stateDrivers[VK_MAX_STATE_DRIVERS];
static size_t nstateDrivers;

int
vkRegisterStateDriver(const vkStateDriver *drv)
{
    for (size_t i = 0; i < nstateDrivers; i++) {
        if (stateDrivers[i] == drv)
            return 0;
    }
    if (nstateDrivers == VK_MAX_STATE_DRIVERS) {
        vkReportError(VIR_ERR_DRIVER_FULL, "cannot register state driver '%s'", drv->name);
        return -1;
    }
    stateDrivers[nstateDrivers++] = drv;
    return 0;
}

size_t
vkStateDriverCount(void)
{
    return nstateDrivers;
}

const vkStateDriver *
vkStateDriverGet(size_t i)
{
    return i < nstateDrivers ? stateDrivers[i] : NULL;
}

/* The options' values, while vkStateDriversInitialize runs. */
static const char *const *initLocations;
/* Between initialization and cleanup: this process is the daemon. */
static gint running;

int
vkStateDriversInitialize(bool privileged, const char *const *locations,
                         vkStateDriverFailFunc failed, void *opaque)
{
    int nfailed = 0;

    initLocations = locations;
    for (size_t i = 0; i < nstateDrivers; i++) {
        const vkStateDriver *drv = stateDrivers[i];

        vkErrorReset();
        if (drv->init(drv, privileged, locations ? locations[i] : NULL) < 0) {
            nfailed++;
            if (failed)
                failed(drv, opaque);
        }
    }
    vkErrorReset();
    initLocations = NULL;
    g_atomic_int_set(&running, 1);
    return nfailed;
}

const char *
vkStateDriverLocation(const char *option)
{
    for (size_t i = 0; initLocations && i < nstateDrivers; i++) {
        if (g_strcmp0(stateDrivers[i]->option, option) == 0)
            return initLocations[i];
    }
    return NULL;
}

int
vkStateDriversReload(vkStateDriverFailFunc failed, void *opaque)
{
    int nfailed = 0;

    for (size_t i = 0; i < nstateDrivers; i++) {
        const vkStateDriver *drv = stateDrivers[i];

        vkErrorReset();
        if (drv->reload && drv->reload(drv) < 0) {
            nfailed++;
            if (failed)
                failed(drv, opaque);
        }
    }
    vkErrorReset();
    return nfailed;
}

bool
vkStateDriversRunning(void)
{
    return g_atomic_int_get(&running);
}

void
vkStateDriversCleanup(void)
{
    g_atomic_int_set(&running, 0);
    for (size_t i = nstateDrivers; i-- > 0;) {
        if (stateDrivers[i]->cleanup)
            stateDrivers[i]->cleanup(stateDrivers[i]);
    }
}
