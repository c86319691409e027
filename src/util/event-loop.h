/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal view of the event loop behind virEventAddHandle/AddTimeout.
 * The application picks the implementation: virEventRegisterDefaultImpl
 * (GLib's main loop, driven by virEventRunDefaultImpl) or its own through
 * virEventRegisterImpl.  Internals only need to know whether one exists.
 */
#ifndef VK_UTIL_EVENT_LOOP_H
#define VK_UTIL_EVENT_LOOP_H

#include <stdbool.h>

bool vkEventLoopIsRegistered(void);

#endif
