/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container lifecycle as one table: from-state, to-state and cause
 * give the public state, its reason and the lifecycle event, so LXC and
 * OpenVZ report the same facts for the same happenings and an impossible
 * transition (resume a shut-off container) is refused in one place.
 */
#include "virtkit/virtkit.h"
#include "drivers/container/container.h"

static const char *const stateNames[VK_CONTAINER_LAST] = {
    "defined", "starting", "running", "paused", "stopping", "shut off", "crashed",
};

const char *
vkContainerStateName(vkContainerState s)
{
    return s < VK_CONTAINER_LAST ? stateNames[s] : "unknown";
}

static bool
isOff(vkContainerState s)
{
    return s == VK_CONTAINER_DEFINED || s == VK_CONTAINER_SHUTOFF || s == VK_CONTAINER_CRASHED;
}

static bool
isLive(vkContainerState s)
{
    return s == VK_CONTAINER_RUNNING || s == VK_CONTAINER_PAUSED || s == VK_CONTAINER_STOPPING;
}

bool
vkContainerStateTransition(vkContainerState from, vkContainerState to,
                           vkContainerWhy why, vkContainerTransition *t)
{
    t->event = -1;
    t->detail = 0;
    switch (to) {
    case VK_CONTAINER_STARTING:
        if (!isOff(from))
            return false;
        t->state = VIR_DOMAIN_PAUSED;
        t->reason = VIR_DOMAIN_PAUSED_STARTING_UP;
        return true;
    case VK_CONTAINER_RUNNING:
        if (from == VK_CONTAINER_STARTING) {
            t->state = VIR_DOMAIN_RUNNING;
            t->reason = VIR_DOMAIN_RUNNING_BOOTED;
            t->event = VIR_DOMAIN_EVENT_STARTED;
            t->detail = VIR_DOMAIN_EVENT_STARTED_BOOTED;
            return true;
        }
        if (from == VK_CONTAINER_PAUSED) {
            t->state = VIR_DOMAIN_RUNNING;
            t->reason = VIR_DOMAIN_RUNNING_UNPAUSED;
            t->event = VIR_DOMAIN_EVENT_RESUMED;
            t->detail = VIR_DOMAIN_EVENT_RESUMED_UNPAUSED;
            return true;
        }
        if (isOff(from) && why == VK_CONTAINER_WHY_RESTORED) {
            t->state = VIR_DOMAIN_RUNNING;
            t->reason = VIR_DOMAIN_RUNNING_UNKNOWN;
            return true;
        }
        return false;
    case VK_CONTAINER_PAUSED:
        if (from != VK_CONTAINER_RUNNING && !(isOff(from) && why == VK_CONTAINER_WHY_RESTORED))
            return false;
        t->state = VIR_DOMAIN_PAUSED;
        t->reason = VIR_DOMAIN_PAUSED_USER;
        if (from == VK_CONTAINER_RUNNING) {
            t->event = VIR_DOMAIN_EVENT_SUSPENDED;
            t->detail = VIR_DOMAIN_EVENT_SUSPENDED_PAUSED;
        }
        return true;
    case VK_CONTAINER_STOPPING:
        if (!isLive(from) || from == VK_CONTAINER_STOPPING)
            return false;
        t->state = VIR_DOMAIN_SHUTDOWN;
        t->reason = VIR_DOMAIN_SHUTDOWN_USER;
        t->event = VIR_DOMAIN_EVENT_SHUTDOWN;
        t->detail = VIR_DOMAIN_EVENT_SHUTDOWN_HOST;
        return true;
    case VK_CONTAINER_SHUTOFF:
    case VK_CONTAINER_CRASHED:
        if (from == VK_CONTAINER_STARTING) {
            /* a start that failed: no STARTED was sent, so no STOPPED */
            t->state = VIR_DOMAIN_SHUTOFF;
            t->reason = VIR_DOMAIN_SHUTOFF_FAILED;
            return true;
        }
        if (!isLive(from))
            return false;
        t->event = VIR_DOMAIN_EVENT_STOPPED;
        if (to == VK_CONTAINER_CRASHED) {
            t->state = VIR_DOMAIN_SHUTOFF;
            t->reason = VIR_DOMAIN_SHUTOFF_CRASHED;
            t->detail = VIR_DOMAIN_EVENT_STOPPED_CRASHED;
            return true;
        }
        t->state = VIR_DOMAIN_SHUTOFF;
        switch (why) {
        case VK_CONTAINER_WHY_DESTROYED:
            t->reason = VIR_DOMAIN_SHUTOFF_DESTROYED;
            t->detail = VIR_DOMAIN_EVENT_STOPPED_DESTROYED;
            break;
        case VK_CONTAINER_WHY_FAILED:
            t->reason = VIR_DOMAIN_SHUTOFF_FAILED;
            t->detail = VIR_DOMAIN_EVENT_STOPPED_FAILED;
            break;
        default:
            t->reason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
            t->detail = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
            break;
        }
        return true;
    default:
        return false;
    }
}
