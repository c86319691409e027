/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCHEME:///system connections served by the secondary drivers alone
 * (see secondary-alone.c).
 */
#pragma once

#include <stdbool.h>

typedef struct {
    const char *scheme;          /* "storage", "network", ... */
    /* True where this process serves SCHEME:///system itself. */
    bool (*systemReady)(void);
    /* SCHEME:///embed?root=/DIR is served in any process too. */
    bool embed;
} vkAloneService;

/* Registers SCHEME's connect driver; svc must outlive the process. */
int vkRegisterAloneService(const vkAloneService *svc);
