/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host device XML (libvirt's <device>) <-> vkNodeDeviceDef.
 *
 * A device is its name, its parent and a list of capabilities; each
 * capability's content is hardware description virtkit never acts on, so
 * it is kept as an element tree and written back canonically.
 */
#ifndef VK_CONF_NODEDEV_CONF_H
#define VK_CONF_NODEDEV_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct _vkXmlElem vkXmlElem;

typedef struct {
    char *name;
    char *parent;                 /* NULL for the root device */
    GPtrArray *info;              /* vkXmlElem *: <path>, <devnode>, <driver> */
    GPtrArray *caps;              /* vkXmlElem * <capability type=''> */
} vkNodeDeviceDef;

void vkNodeDeviceDefFree(vkNodeDeviceDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkNodeDeviceDef, vkNodeDeviceDefFree)
/* VIR_FROM_NODEDEV errors.  forCreate: the name may be missing (the
 * driver assigns one, as for virNodeDeviceCreateXML). */
vkNodeDeviceDef *vkNodeDeviceDefParseString(const char *xml, bool forCreate);
char *vkNodeDeviceDefFormat(const vkNodeDeviceDef *def);
vkNodeDeviceDef *vkNodeDeviceDefCopy(const vkNodeDeviceDef *def);

/* The VIR_CONNECT_LIST_NODE_DEVICES_CAP_* bit of a capability name
 * ("system", "pci", "scsi_host", ...), or 0 for an unknown one. */
unsigned int vkNodeDeviceCapFlag(const char *cap);
/* The capability bits a device answers to in listing filters: its own
 * capabilities plus fc_host / vports of an FC-capable scsi_host. */
unsigned int vkNodeDeviceDefCapFlags(const vkNodeDeviceDef *def);
/* The capability element of type (top level, or nested in scsi_host for
 * "fc_host" / "vport_ops"), or NULL. */
vkXmlElem *vkNodeDeviceDefFindCap(const vkNodeDeviceDef *def, const char *type);

#endif
