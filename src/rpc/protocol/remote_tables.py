# SPDX-License-Identifier: LGPL-2.1-or-later
"""The exceptions gen-remote.py needs: procedures and driver members written
by hand, procedures cheap enough for the daemon's I/O thread, and names that
do not follow from the procedure name.  Data only; adding a hand-written
procedure is one line here."""

# Written by hand in src/daemon/dispatch/: proc -> (function, flags).
HAND_SERVER = {
    "CONNECT_OPEN": ("vkDispatchConnectOpen", "noconn"),
    "CONNECT_CLOSE": ("vkDispatchConnectClose", "noconn"),
    "CONNECT_SUPPORTS_FEATURE": ("vkDispatchConnectSupportsFeature", "noconn"),
    "AUTH_LIST": ("vkDispatchAuthList", "noconn,noauth"),
    "CONNECT_GET_URI": ("vkDispatchConnectGetURI", ""),
    "CONNECT_REGISTER_CLOSE_CALLBACK": ("vkDispatchConnectRegisterCloseCallback", ""),
    "CONNECT_UNREGISTER_CLOSE_CALLBACK": ("vkDispatchConnectUnregisterCloseCallback", ""),
    "CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY": ("vkDispatchDomainEventRegisterAny", ""),
    "CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY": ("vkDispatchDomainEventDeregisterAny", ""),
    "CONNECT_NETWORK_EVENT_REGISTER_ANY": ("vkDispatchNetworkEventRegisterAny", ""),
    "CONNECT_NETWORK_EVENT_DEREGISTER_ANY": ("vkDispatchNetworkEventDeregisterAny", ""),
    "CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY": ("vkDispatchStoragePoolEventRegisterAny", ""),
    "CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY": ("vkDispatchStoragePoolEventDeregisterAny", ""),
    "CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY": ("vkDispatchNodeDeviceEventRegisterAny", ""),
    "CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY": ("vkDispatchNodeDeviceEventDeregisterAny", ""),
    "DOMAIN_CREATE_WITH_FLAGS": ("vkDispatchDomainCreateWithFlags", "rw"),
    # Caller-sized array replies (src/daemon/dispatch/info.c).
    "DOMAIN_GET_VCPUS": ("vkDispatchDomainGetVcpus", ""),
    "DOMAIN_GET_SCHEDULER_PARAMETERS": ("vkDispatchDomainGetSchedulerParameters", ""),
    "DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS": ("vkDispatchDomainGetSchedulerParametersFlags", ""),
    "NODE_GET_CELLS_FREE_MEMORY": ("vkDispatchNodeGetCellsFreeMemory", ""),
    "DOMAIN_MEMORY_STATS": ("vkDispatchDomainMemoryStats", ""),
    "DOMAIN_GET_DISK_ERRORS": ("vkDispatchDomainGetDiskErrors", ""),
    "DOMAIN_GET_VCPU_PIN_INFO": ("vkDispatchDomainGetVcpuPinInfo", ""),
    "DOMAIN_GET_EMULATOR_PIN_INFO": ("vkDispatchDomainGetEmulatorPinInfo", ""),
    "NODE_GET_CPU_MAP": ("vkDispatchNodeGetCPUMap", ""),
    "DOMAIN_GET_IOTHREAD_INFO": ("vkDispatchDomainGetIOThreadInfo", ""),
    "NODE_GET_CPU_STATS": ("vkDispatchNodeGetCPUStats", ""),
    "NODE_GET_MEMORY_STATS": ("vkDispatchNodeGetMemoryStats", ""),
    "DOMAIN_SEND_KEY": ("vkDispatchDomainSendKey", "rw"),
    "DOMAIN_GET_CPU_STATS": ("vkDispatchDomainGetCPUStats", ""),
    "NODE_GET_FREE_PAGES": ("vkDispatchNodeGetFreePages", ""),
    "NODE_ALLOC_PAGES": ("vkDispatchNodeAllocPages", "rw"),
    "NETWORK_GET_DHCP_LEASES": ("vkDispatchNetworkGetDHCPLeases", ""),
    "DOMAIN_BLOCK_PEEK": ("vkDispatchDomainBlockPeek", "rw"),
    "DOMAIN_MEMORY_PEEK": ("vkDispatchDomainMemoryPeek", "rw"),
    "DOMAIN_GET_SECURITY_LABEL_LIST": ("vkDispatchDomainGetSecurityLabelList", ""),
    # Nested array reply (src/daemon/dispatch/ifaddr.c).
    "DOMAIN_INTERFACE_ADDRESSES": ("vkDispatchDomainInterfaceAddresses", ""),
    "DOMAIN_GET_FSINFO": ("vkDispatchDomainGetFSInfo", "rw"),
    # Records of typed parameters, one per domain (src/daemon/dispatch/domstats.c).
    "CONNECT_GET_ALL_DOMAIN_STATS": ("vkDispatchConnectGetAllDomainStats", ""),
    # Calls that open a stream (src/daemon/dispatch/stream.c).
    "DOMAIN_OPEN_CONSOLE": ("vkDispatchDomainOpenConsole", "rw"),
    "DOMAIN_OPEN_CHANNEL": ("vkDispatchDomainOpenChannel", "rw"),
    "STORAGE_VOL_UPLOAD": ("vkDispatchStorageVolUpload", "rw"),
    "STORAGE_VOL_DOWNLOAD": ("vkDispatchStorageVolDownload", "rw"),
    "DOMAIN_SCREENSHOT": ("vkDispatchDomainScreenshot", "rw"),
    # A reply that carries a file descriptor (src/daemon/dispatch/domain.c).
    "DOMAIN_OPEN_GRAPHICS_FD": ("vkDispatchDomainOpenGraphicsFD", "rw"),
    # Migration v3 steps: internal driver members, cookies (migrate.c).
    "DOMAIN_MIGRATE_BEGIN3_PARAMS": ("vkDispatchDomainMigrateBegin3Params", "rw"),
    "DOMAIN_MIGRATE_PREPARE3_PARAMS": ("vkDispatchDomainMigratePrepare3Params", "rw"),
    "DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS": ("vkDispatchDomainMigratePrepareTunnel3Params",
                                              "rw"),
    "DOMAIN_MIGRATE_PERFORM3_PARAMS": ("vkDispatchDomainMigratePerform3Params", "rw"),
    "DOMAIN_MIGRATE_FINISH3_PARAMS": ("vkDispatchDomainMigrateFinish3Params", "rw"),
    "DOMAIN_MIGRATE_CONFIRM3_PARAMS": ("vkDispatchDomainMigrateConfirm3Params", "rw"),
    # A secret's value is bytes with a size_t length (src/daemon/dispatch/secret.c).
    "SECRET_GET_VALUE": ("vkDispatchSecretGetValue", "rw"),
    "SECRET_SET_VALUE": ("vkDispatchSecretSetValue", "rw"),
    "CONNECT_SECRET_EVENT_REGISTER_ANY": ("vkDispatchSecretEventRegisterAny", ""),
    "CONNECT_SECRET_EVENT_DEREGISTER_ANY": ("vkDispatchSecretEventDeregisterAny", ""),
    # Older procedures current clients replaced (src/daemon/dispatch/legacy.c).
    "DOMAIN_MIGRATE_PREPARE": ("vkDispatchDomainMigratePrepare", "rw"),
    "DOMAIN_MIGRATE_PERFORM": ("vkDispatchDomainMigratePerform", "rw"),
    "DOMAIN_MIGRATE_FINISH": ("vkDispatchDomainMigrateFinish", "rw"),
    "DOMAIN_MIGRATE_PREPARE2": ("vkDispatchDomainMigratePrepare2", "rw"),
    "DOMAIN_MIGRATE_FINISH2": ("vkDispatchDomainMigrateFinish2", "rw"),
    "DOMAIN_MIGRATE_PREPARE_TUNNEL": ("vkDispatchDomainMigratePrepareTunnel", "rw"),
    "DOMAIN_MIGRATE_BEGIN3": ("vkDispatchDomainMigrateBegin3", "rw"),
    "DOMAIN_MIGRATE_PREPARE3": ("vkDispatchDomainMigratePrepare3", "rw"),
    "DOMAIN_MIGRATE_PREPARE_TUNNEL3": ("vkDispatchDomainMigratePrepareTunnel3", "rw"),
    "DOMAIN_MIGRATE_PERFORM3": ("vkDispatchDomainMigratePerform3", "rw"),
    "DOMAIN_MIGRATE_FINISH3": ("vkDispatchDomainMigrateFinish3", "rw"),
    "DOMAIN_MIGRATE_CONFIRM3": ("vkDispatchDomainMigrateConfirm3", "rw"),
    "AUTH_SASL_INIT": ("vkDispatchAuthSasl", "noconn,noauth"),
    "AUTH_SASL_START": ("vkDispatchAuthSasl", "noconn,noauth"),
    "AUTH_SASL_STEP": ("vkDispatchAuthSasl", "noconn,noauth"),
    "AUTH_POLKIT": ("vkDispatchAuthPolkit", "noconn,noauth"),
    "CONNECT_DOMAIN_EVENT_REGISTER": ("vkDispatchDomainEventRegister", ""),
    "CONNECT_DOMAIN_EVENT_DEREGISTER": ("vkDispatchDomainEventDeregister", ""),
    "CONNECT_DOMAIN_EVENT_REGISTER_ANY": ("vkDispatchDomainEventRegisterAnyOld", ""),
    "CONNECT_DOMAIN_EVENT_DEREGISTER_ANY": ("vkDispatchDomainEventDeregisterAnyOld", ""),
    "DOMAIN_OPEN_GRAPHICS": ("vkDispatchDomainOpenGraphics", "rw"),
    "DOMAIN_CREATE_XML_WITH_FILES": ("vkDispatchDomainCreateXMLWithFiles", "rw"),
    "DOMAIN_CREATE_WITH_FILES": ("vkDispatchDomainCreateWithFiles", "rw"),
    "DOMAIN_FD_ASSOCIATE": ("vkDispatchDomainFDAssociate", "rw"),
}

# Procedures cheap enough to answer on the daemon's I/O thread (the flag
# inlineSafe in vkServerProc): read-only, no waiting, bounded work.  The
# daemon still runs them on the worker pool unless the connection's driver
# never blocks either (src/daemon/call.c decides per driver).
INLINE_SAFE = {
    "AUTH_LIST", "CONNECT_SUPPORTS_FEATURE", "CONNECT_GET_URI",
    "CONNECT_GET_VERSION", "CONNECT_GET_LIB_VERSION", "CONNECT_GET_TYPE",
    "CONNECT_GET_HOSTNAME", "CONNECT_IS_SECURE",
    "CONNECT_GET_MAX_VCPUS", "CONNECT_GET_CAPABILITIES",
    "NODE_GET_INFO", "CONNECT_NUM_OF_DOMAINS", "CONNECT_NUM_OF_DEFINED_DOMAINS",
    "CONNECT_LIST_DOMAINS", "CONNECT_LIST_DEFINED_DOMAINS",
    "CONNECT_LIST_ALL_DOMAINS", "DOMAIN_LOOKUP_BY_ID", "DOMAIN_LOOKUP_BY_NAME",
    "DOMAIN_LOOKUP_BY_UUID", "DOMAIN_GET_INFO", "DOMAIN_GET_STATE",
    "DOMAIN_GET_XML_DESC", "DOMAIN_IS_ACTIVE", "DOMAIN_IS_PERSISTENT",
    "DOMAIN_IS_UPDATED", "DOMAIN_GET_AUTOSTART", "DOMAIN_GET_OS_TYPE",
    "DOMAIN_GET_MAX_MEMORY", "DOMAIN_GET_MAX_VCPUS", "DOMAIN_HAS_MANAGED_SAVE_IMAGE",
    "CONNECT_LIST_ALL_NETWORKS", "NETWORK_LOOKUP_BY_NAME", "NETWORK_LOOKUP_BY_UUID",
    "NETWORK_GET_XML_DESC", "NETWORK_IS_ACTIVE", "NETWORK_IS_PERSISTENT",
    "CONNECT_LIST_ALL_STORAGE_POOLS", "STORAGE_POOL_LOOKUP_BY_NAME",
    "STORAGE_POOL_LOOKUP_BY_UUID", "STORAGE_POOL_GET_INFO", "STORAGE_POOL_GET_XML_DESC",
    "STORAGE_POOL_LIST_ALL_VOLUMES", "STORAGE_VOL_LOOKUP_BY_NAME",
    "STORAGE_VOL_GET_INFO", "STORAGE_VOL_GET_XML_DESC",
    "CONNECT_LIST_ALL_NODE_DEVICES", "NODE_DEVICE_LOOKUP_BY_NAME",
    "NODE_DEVICE_GET_XML_DESC",
}

# Procedures whose function name does not follow from the procedure name.
FUNC_OVERRIDE = {
    "DOMAIN_FSFREEZE": "virDomainFSFreeze",
    "DOMAIN_FSTHAW": "virDomainFSThaw",
    "DOMAIN_FSTRIM": "virDomainFSTrim",
    "DOMAIN_GET_FSINFO": "virDomainGetFSInfo",
}
# Driver members the client side must not generate (the remote driver
# implements them itself: connection state, events, local answers).
CLIENT_SKIP = {"virConnectGetURI",
               # the old registration without callback IDs (server side only)
               "virConnectDomainEventDeregisterAny"}
# Client members written by hand in remote-client-special.c (starting a
# domain must also refresh the handle's id) and remote-client-info.c
# (replies that fill caller-sized arrays).
CLIENT_HAND = {
    "virDomainCreate": "vkRemoteDomainCreate",
    "virDomainCreateWithFlags": "vkRemoteDomainCreateWithFlags",
    # as libvirt's client: the caller's handle takes the new name
    "virDomainRename": "vkRemoteDomainRename",
    # the reply's descriptor arrives beside the bytes
    "virDomainOpenGraphicsFD": "vkRemoteDomainOpenGraphicsFD",
    # decoded straight into handles, names read in place
    "virConnectListAllDomains": "vkRemoteConnectListAllDomains",
    # Caller-sized array replies (remote-client-info.c).
    "virDomainGetVcpus": "vkRemoteDomainGetVcpus",
    "virDomainGetSchedulerParameters": "vkRemoteDomainGetSchedulerParameters",
    "virDomainGetSchedulerParametersFlags": "vkRemoteDomainGetSchedulerParametersFlags",
    "virNodeGetCellsFreeMemory": "vkRemoteNodeGetCellsFreeMemory",
    "virDomainMemoryStats": "vkRemoteDomainMemoryStats",
    "virDomainGetDiskErrors": "vkRemoteDomainGetDiskErrors",
    "virDomainGetVcpuPinInfo": "vkRemoteDomainGetVcpuPinInfo",
    "virDomainGetEmulatorPinInfo": "vkRemoteDomainGetEmulatorPinInfo",
    "virNodeGetCPUMap": "vkRemoteNodeGetCPUMap",
    # filesystems, each with its own array of disk aliases (remote-ifaddr.c)
    "virDomainGetFSInfo": "vkRemoteDomainGetFSInfo",
    "virDomainGetIOThreadInfo": "vkRemoteDomainGetIOThreadInfo",
    "virNodeGetCPUStats": "vkRemoteNodeGetCPUStats",
    "virNodeGetMemoryStats": "vkRemoteNodeGetMemoryStats",
    "virDomainSendKey": "vkRemoteDomainSendKey",
    "virDomainGetCPUStats": "vkRemoteDomainGetCPUStats",
    "virNodeGetFreePages": "vkRemoteNodeGetFreePages",
    "virNodeAllocPages": "vkRemoteNodeAllocPages",
    "virNetworkGetDHCPLeases": "vkRemoteNetworkGetDHCPLeases",
    "virDomainBlockPeek": "vkRemoteDomainBlockPeek",
    "virDomainMemoryPeek": "vkRemoteDomainMemoryPeek",
    "virDomainGetSecurityLabelList": "vkRemoteDomainGetSecurityLabelList",
    # Nested array reply (remote-ifaddr.c).
    "virDomainInterfaceAddresses": "vkRemoteDomainInterfaceAddresses",
    # Records of typed parameters, one per domain (remote-domstats.c).
    "virConnectGetAllDomainStats": "vkRemoteConnectGetAllDomainStats",
    # Calls that open a stream (remote-stream.c).
    "virDomainOpenConsole": "vkRemoteDomainOpenConsole",
    "virDomainOpenChannel": "vkRemoteDomainOpenChannel",
    "virStorageVolUpload": "vkRemoteStorageVolUpload",
    "virStorageVolDownload": "vkRemoteStorageVolDownload",
    "virDomainScreenshot": "vkRemoteDomainScreenshot",
    # Descriptors sent with the call, CALL_WITH_FDS (remote-fds.c).
    "virDomainCreateXMLWithFiles": "vkRemoteDomainCreateXMLWithFiles",
    "virDomainCreateWithFiles": "vkRemoteDomainCreateWithFiles",
    "virDomainFDAssociate": "vkRemoteDomainFDAssociate",
    "virDomainOpenGraphics": "vkRemoteDomainOpenGraphics",
    # A secret's value: bytes with a size_t length (remote-secret.c).
    "virSecretGetValue": "vkRemoteSecretGetValue",
    "virSecretSetValue": "vkRemoteSecretSetValue",
}
