/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handle accessors of secrets, network filters, filter bindings and
 * checkpoints: answered from the handle itself, never from a driver.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "api/api-internal.h"

#include "api/handle-macros.h"

HANDLE_FREE_REF(Secret, virSecretPtr, vkCheckSecret, vkSecretUnref, refs)
HANDLE_CONNECT(virSecretGetConnect, virSecretPtr, vkCheckSecret, obj->conn)
HANDLE_UUID(Secret, virSecretPtr, vkCheckSecret)
/* A secret of usage type none has no usage ID: NULL without an error, as
 * the caller can tell from virSecretGetUsageType. */
HANDLE_STRING(virSecretGetUsageID, virSecretPtr, vkCheckSecret, obj->usageID)

int
virSecretGetUsageType(virSecretPtr secret)
{
    vkErrorReset();
    if (!vkCheckSecret(secret, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    return secret->usageType;
}

LOOKUP_BY_UUID_STRING(virSecretLookupByUUIDString, virSecretLookupByUUID,
                      virSecretPtr, virConnectPtr,
                      vkCheckConnect, obj, VK_FAMILY_SECRET, secretLookupByUUID)

HANDLE_FREE_REF(Interface, virInterfacePtr, vkCheckInterface, vkInterfaceUnref, refs)
HANDLE_STRING(virInterfaceGetName, virInterfacePtr, vkCheckInterface, obj->name)
HANDLE_STRING(virInterfaceGetMACString, virInterfacePtr, vkCheckInterface, obj->mac)
HANDLE_CONNECT(virInterfaceGetConnect, virInterfacePtr, vkCheckInterface, obj->conn)

HANDLE_FREE_REF(NWFilter, virNWFilterPtr, vkCheckNWFilter, vkNWFilterUnref, refs)
HANDLE_STRING(virNWFilterGetName, virNWFilterPtr, vkCheckNWFilter, obj->name)
HANDLE_UUID(NWFilter, virNWFilterPtr, vkCheckNWFilter)
LOOKUP_BY_UUID_STRING(virNWFilterLookupByUUIDString, virNWFilterLookupByUUID,
                      virNWFilterPtr, virConnectPtr,
                      vkCheckConnect, obj, VK_FAMILY_NWFILTER, nwfilterLookupByUUID)

HANDLE_FREE_REF(NWFilterBinding, virNWFilterBindingPtr, vkCheckNWFilterBinding,
                vkNWFilterBindingUnref, refs)
HANDLE_STRING(virNWFilterBindingGetPortDev, virNWFilterBindingPtr, vkCheckNWFilterBinding,
              obj->portdev)
HANDLE_STRING(virNWFilterBindingGetFilterName, virNWFilterBindingPtr, vkCheckNWFilterBinding,
              obj->filtername)

HANDLE_FREE_REF(DomainCheckpoint, virDomainCheckpointPtr, vkCheckDomainCheckpoint,
                vkDomainCheckpointUnref, refs)
HANDLE_STRING(virDomainCheckpointGetName, virDomainCheckpointPtr, vkCheckDomainCheckpoint,
              obj->name)
HANDLE_CONNECT(virDomainCheckpointGetConnect, virDomainCheckpointPtr, vkCheckDomainCheckpoint,
               obj->domain->conn)

virDomainPtr
virDomainCheckpointGetDomain(virDomainCheckpointPtr checkpoint)
{
    vkErrorReset();
    if (!vkCheckDomainCheckpoint(checkpoint, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return checkpoint->domain;
}
