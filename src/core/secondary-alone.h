/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCHEME:///system connections served by the secondary drivers alone
 * (see secondary-alone.c).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct {
    const char *scheme;          /* "storage", "network", ... */
    /* Where this process serves SCHEME:///system itself: the driver's flag
     * (read under lock), set once its state exists in virtkitd; without
     * one, wherever the state drivers run (in virtkitd). */
    const bool *systemAllowed;
    GMutex *lock;
    /* SCHEME:///embed?root=/DIR is served in any process too. */
    bool embed;
} vkAloneService;

/* Registers SCHEME's connect driver; svc must outlive the process. */
int vkRegisterAloneService(const vkAloneService *svc);
