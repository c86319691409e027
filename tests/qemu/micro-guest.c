/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>

#include "micro-guest.h"

char *
microGuestXML(const microGuestSpec *spec)
{
    char *xml = NULL;

    if (asprintf(&xml,
                 "<domain type='%s'>\n"
                 "  <name>%s</name>\n"
                 "  <memory unit='MiB'>%u</memory>\n"
                 "  <os>\n"
                 "    <type arch='x86_64' machine='pc'>hvm</type>\n"
                 "    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>\n"
                 "    <kernel>%s</kernel>\n"
                 "%s"
                 "  </os>\n"
                 "  <features><acpi/></features>\n"
                 "  <devices>\n"
                 "%s"
                 "    <serial type='file'><source path='%s/serial-%s.log'/></serial>\n"
                 "  </devices>\n"
                 "</domain>\n",
                 spec->type, spec->name, spec->memoryMiB, spec->kernel,
                 spec->os ? spec->os : "", spec->devices ? spec->devices : "",
                 spec->logDir, spec->name) < 0)
        abort();
    return xml;
}
