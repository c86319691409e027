/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secret, host interface, network filter, filter binding and checkpoint handles: the same
 * refcount + magic pattern as the others (object-others.c), each holding a
 * reference on its connection (a checkpoint on its domain).
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "core/object.h"

#include <string.h>

#include "util/error.h"

virSecretPtr
vkGetSecret(virConnectPtr conn, const unsigned char *uuid, int usageType,
            const char *usageID)
{
    virSecretPtr secret = g_new0(virSecret, 1);

    secret->magic = VK_SECRET_MAGIC;
    secret->refs = 1;
    memcpy(secret->uuid, uuid, VIR_UUID_BUFLEN);
    secret->usageType = usageType;
    secret->usageID = g_strdup(usageID);
    vkConnectRef(conn);
    secret->conn = conn;
    return secret;
}

void
vkSecretUnref(virSecretPtr secret)
{
    if (!secret || !g_atomic_int_dec_and_test(&secret->refs))
        return;
    vkConnectUnref(secret->conn);
    g_free(secret->usageID);
    secret->magic = 0;
    g_free(secret);
}

virInterfacePtr
vkGetInterface(virConnectPtr conn, const char *name, const char *mac)
{
    virInterfacePtr iface;

    if (!vkHandleCheckName(name, "interface"))
        return NULL;
    iface = g_new0(virInterface, 1);
    iface->magic = VK_INTERFACE_MAGIC;
    iface->refs = 1;
    iface->name = g_strdup(name);
    iface->mac = g_strdup(mac ? mac : "");
    vkConnectRef(conn);
    iface->conn = conn;
    return iface;
}

void
vkInterfaceUnref(virInterfacePtr iface)
{
    if (!iface || !g_atomic_int_dec_and_test(&iface->refs))
        return;
    vkConnectUnref(iface->conn);
    g_free(iface->name);
    g_free(iface->mac);
    iface->magic = 0;
    g_free(iface);
}

virNWFilterPtr
vkGetNWFilter(virConnectPtr conn, const char *name, const unsigned char *uuid)
{
    virNWFilterPtr filter;

    if (!vkHandleCheckName(name, "network filter"))
        return NULL;
    filter = g_new0(virNWFilter, 1);
    filter->magic = VK_NWFILTER_MAGIC;
    filter->refs = 1;
    filter->name = g_strdup(name);
    if (uuid)
        memcpy(filter->uuid, uuid, VIR_UUID_BUFLEN);
    vkConnectRef(conn);
    filter->conn = conn;
    return filter;
}

void
vkNWFilterUnref(virNWFilterPtr filter)
{
    if (!filter || !g_atomic_int_dec_and_test(&filter->refs))
        return;
    vkConnectUnref(filter->conn);
    g_free(filter->name);
    filter->magic = 0;
    g_free(filter);
}

virNWFilterBindingPtr
vkGetNWFilterBinding(virConnectPtr conn, const char *portdev, const char *filtername)
{
    virNWFilterBindingPtr binding;

    if (!vkHandleCheckName(portdev, "network filter binding") ||
        !vkHandleCheckName(filtername, "network filter binding filter"))
        return NULL;
    binding = g_new0(virNWFilterBinding, 1);
    binding->magic = VK_NWFILTER_BINDING_MAGIC;
    binding->refs = 1;
    binding->portdev = g_strdup(portdev);
    binding->filtername = g_strdup(filtername);
    vkConnectRef(conn);
    binding->conn = conn;
    return binding;
}

void
vkNWFilterBindingUnref(virNWFilterBindingPtr binding)
{
    if (!binding || !g_atomic_int_dec_and_test(&binding->refs))
        return;
    vkConnectUnref(binding->conn);
    g_free(binding->portdev);
    g_free(binding->filtername);
    binding->magic = 0;
    g_free(binding);
}

virDomainCheckpointPtr
vkGetDomainCheckpoint(virDomainPtr domain, const char *name)
{
    virDomainCheckpointPtr checkpoint;

    if (!vkHandleCheckName(name, "checkpoint"))
        return NULL;
    checkpoint = g_new0(virDomainCheckpoint, 1);
    checkpoint->magic = VK_CHECKPOINT_MAGIC;
    checkpoint->refs = 1;
    checkpoint->name = g_strdup(name);
    vkDomainRef(domain);
    checkpoint->domain = domain;
    return checkpoint;
}

void
vkDomainCheckpointUnref(virDomainCheckpointPtr checkpoint)
{
    if (!checkpoint || !g_atomic_int_dec_and_test(&checkpoint->refs))
        return;
    vkDomainUnref(checkpoint->domain);
    g_free(checkpoint->name);
    checkpoint->magic = 0;
    g_free(checkpoint);
}

static VK_DEFINE_HANDLE_CHECK(checkSecretOnly, virSecretPtr, VK_SECRET_MAGIC, VIR_ERR_INVALID_SECRET)
static VK_DEFINE_HANDLE_CHECK(checkInterfaceOnly, virInterfacePtr, VK_INTERFACE_MAGIC,
                              VIR_ERR_INVALID_INTERFACE)
static VK_DEFINE_HANDLE_CHECK(checkFilterOnly, virNWFilterPtr, VK_NWFILTER_MAGIC, VIR_ERR_INVALID_NWFILTER)
static VK_DEFINE_HANDLE_CHECK(checkBindingOnly, virNWFilterBindingPtr, VK_NWFILTER_BINDING_MAGIC,
             VIR_ERR_INVALID_NWFILTER_BINDING)
static VK_DEFINE_HANDLE_CHECK(checkCheckpointOnly, virDomainCheckpointPtr, VK_CHECKPOINT_MAGIC,
             VIR_ERR_INVALID_DOMAIN_CHECKPOINT)

bool
vkCheckSecret(virSecretPtr secret, const char *func)
{
    return checkSecretOnly(secret, func) && vkCheckConnect(secret->conn, func);
}

bool
vkCheckInterface(virInterfacePtr iface, const char *func)
{
    return checkInterfaceOnly(iface, func) && vkCheckConnect(iface->conn, func);
}

bool
vkCheckNWFilter(virNWFilterPtr filter, const char *func)
{
    return checkFilterOnly(filter, func) && vkCheckConnect(filter->conn, func);
}

bool
vkCheckNWFilterBinding(virNWFilterBindingPtr binding, const char *func)
{
    return checkBindingOnly(binding, func) && vkCheckConnect(binding->conn, func);
}

bool
vkCheckDomainCheckpoint(virDomainCheckpointPtr checkpoint, const char *func)
{
    return checkCheckpointOnly(checkpoint, func) && vkCheckDomain(checkpoint->domain, func);
}
