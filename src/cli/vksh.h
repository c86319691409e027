/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vksh.h: what the `virtkit` shell's files share — the command table types,
 * the parsed-command accessors and the shell's state. The shell is a client
 * of the public API only; nothing here may include an internal header. */
#ifndef VKSH_H
#define VKSH_H

#include <stdbool.h>
#include <glib.h>
#include "virtkit/virtkit.h"

typedef enum {
    VKSH_OT_BOOL,       /* --flag */
    VKSH_OT_STRING,     /* --name <string>, may also be given positionally */
    VKSH_OT_INT,        /* --name <number>, may also be given positionally */
    VKSH_OT_DATA,       /* <name>: a required positional string */
    VKSH_OT_ARGV,       /* all remaining bare words, joined by spaces */
} vkshOptType;

#define VKSH_OFLAG_REQ   (1 << 0)   /* must be present */

typedef struct {
    const char *name;
    vkshOptType type;
    unsigned int flags;
    const char *help;
} vkshOptDef;

#define VKSH_OPT_DOMAIN \
    { "domain", VKSH_OT_DATA, VKSH_OFLAG_REQ, "domain name, id or uuid" }
/* --config/--live/--current with virsh's help lines (see vkshAffectFlags). */
#define VKSH_OPTS_AFFECT \
    { "config", VKSH_OT_BOOL, 0, "affect next boot" }, \
    { "live", VKSH_OT_BOOL, 0, "affect running domain" }, \
    { "current", VKSH_OT_BOOL, 0, "affect current domain" }

typedef struct _vkshCtl vkshCtl;
typedef struct _vkshCmd vkshCmd;
typedef bool (*vkshCmdHandler)(vkshCtl *ctl, const vkshCmd *cmd);

#define VKSH_CMD_NOCONNECT (1 << 0)  /* runs without a hypervisor connection */
#define VKSH_CMD_NO_BLANK  (1 << 1)  /* no blank line after its output (virsh's
                                        desc and screenshot have none) */

typedef struct {
    const char *name;
    vkshCmdHandler handler;
    const vkshOptDef *opts;         /* terminated by a NULL name; may be NULL */
    const char *summary;
    const char *description;
    unsigned int flags;
} vkshCmdDef;

/* const vkshCmdDef var = ...: a command's entry (static in front for one
 * listed only in its own file). */
#define VKSH_CMD(var, nm, fn, opts, sum, desc) \
    const vkshCmdDef var = { nm, fn, opts, sum, desc, 0 }

typedef struct {
    const char *name;               /* "Domain Management" */
    const char *keyword;            /* "domain" */
    const vkshCmdDef *const *cmds;  /* NULL-terminated */
} vkshCmdGroup;

/* One parsed command: its definition and the value given for each option
 * (same index as def->opts; NULL when absent, "" for a set bool). */
struct _vkshCmd {
    const vkshCmdDef *def;
    char **values;
    GPtrArray *argvWords;   /* the ARGV option's words one by one (values
                               holds them joined), for echo's quoting */
    vkshCmd *next;
};

struct _vkshCtl {
    char *uri;
    virConnectPtr conn;
    bool readonly;
    bool quiet;
    bool interactive;
    bool quit;
    bool has_error;                 /* an error was reported by the library */
    char *error_msg;                /* ... and its message */
};

/* shell.c / parse.c */
extern const vkshCmdGroup vkshGroups[];
const vkshCmdDef *vkshCommandLookup(const char *name);
vkshCmd *vkshParseString(const char *input);
vkshCmd *vkshParseArgv(int argc, char **argv);
void vkshCmdListFree(vkshCmd *list);
bool vkshRunCommands(vkshCtl *ctl, vkshCmd *list);
/* Relays the terminal and dom's console until ^] or the console's end
 * (commands-console.c; console, start --console, create --console). */
bool vkshRunConsole(vkshCtl *ctl, virDomainPtr dom, const char *devname, unsigned int flags);
bool vkshConnect(vkshCtl *ctl, const char *uri, bool readonly);

/* option accessors (parse.c) */
bool vkshOptBool(const vkshCmd *cmd, const char *name);
const char *vkshOptString(const vkshCmd *cmd, const char *name);
GPtrArray *vkshOptArgvWords(const vkshCmd *cmd);
int vkshOptInt(vkshCtl *ctl, const vkshCmd *cmd, const char *name,
               int *value);                   /* -1 bad, 0 absent, 1 set */
int vkshOptScaled(vkshCtl *ctl, const vkshCmd *cmd, const char *name,
                  unsigned long long *bytes, unsigned long long scale,
                  unsigned long long max);    /* -1 bad, 0 absent, 1 set */
bool vkshOptExclusive(vkshCtl *ctl, const vkshCmd *cmd,
                      const char *a, const char *b);
bool vkshAffectFlags(vkshCtl *ctl, const vkshCmd *cmd, unsigned int *flags);
bool vkshOptRequires(vkshCtl *ctl, const vkshCmd *cmd,
                     const char *needed, const char *by);
/* True when any of --config/--live/--current is given: virsh then calls
 * the *Flags variant of an API, else the plain one. */
bool vkshAffectGiven(const vkshCmd *cmd);

/* Boolean options that each add an API flag. */
typedef struct {
    const char *opt;
    unsigned int flag;
} vkshOptFlag;
unsigned int vkshOptFlags(const vkshCmd *cmd, const vkshOptFlag *map, size_t n);
#define VKSH_OPT_FLAGS(cmd, map) vkshOptFlags(cmd, map, G_N_ELEMENTS(map))

/* The lookup-and-act commands (net-start, iface-destroy, nodedev-reset...)
 * share one handler per object type; a row gives the command, the file's
 * own operation code and virsh's two messages, whose %s is the object
 * argument as given (output.c). */
typedef struct {
    const char *cmd;
    int op;
    const char *done;
    const char *failed;
} vkshObjectCall;
const vkshObjectCall *vkshObjectCallFind(const vkshObjectCall *table, size_t n,
                                         const vkshCmd *cmd);
/* Prints done, or reports failed, after the call returned rc. */
bool vkshObjectCallEnd(vkshCtl *ctl, const vkshObjectCall *c, const char *name, int rc);
#define VKSH_OBJECT_CALL(table, cmd) vkshObjectCallFind(table, G_N_ELEMENTS(table), cmd)

/* --persistent/--config/--live/--current as the attach and detach
 * commands take them; *plain is set when none was given (virsh then calls
 * the API without flags). dom may be NULL to check the options only
 * (commands-domdev.c). */
bool vkshDeviceAffectFlags(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr dom,
                           unsigned int *flags, bool *plain);
/* A virStreamRecvAll handler writing all of data to the file
 * descriptor *opaque (commands-volstream.c). */
int vkshWriteSink(virStreamPtr st, const char *data, size_t nbytes, void *opaque);
/* Attaches or detaches the device xml (the plain API when plain), with
 * virsh's messages; what is "disk", "interface"... (commands-domdev.c). */
bool vkshDeviceChange(vkshCtl *ctl, virDomainPtr dom, const char *xml, unsigned int flags,
                      bool plain, bool attach, const char *what);
/* virsh's rate "average[,peak[,burst[,floor]]]" of --inbound or
 * --outbound, with its checks; each field empty (set[i] false, v[i] 0)
 * or a number. */
bool vkshParseRate(vkshCtl *ctl, const char *spec, bool inbound, guint64 v[4], bool set[4]);
/* Appends " name='value'", value escaped as libvirt escapes attributes
 * (commands-attach.c). */
void vkshXmlAppendAttr(GString *buf, const char *name, const char *value);
void vkshXmlAppendEscaped(GString *buf, const char *value);
/* One object of a --tree drawing: its name and its parent's (NULL for
 * a root); vkshTreePrint draws entry i's subtree as virsh does
 * (commands-snapshot-list.c). */
typedef struct {
    const char *name;
    const char *parent;
} vkshTreeEntry;
void vkshTreePrint(vkshCtl *ctl, const vkshTreeEntry *e, size_t n, size_t i, size_t last,
                   bool root, GString *indent);
/* What vkshMomentListPrint needs of a snapshot or checkpoint handle. */
typedef struct {
    const char *(*name)(void *m);
    char *(*xml)(void *m);
    char *(*parentName)(void *m);   /* allocated; NULL for a root */
    void (*unref)(void *m);
    bool stateColumn;               /* the table has "State" (snapshots) */
} vkshMomentKind;
/* The listing half of snapshot-list and checkpoint-list: the n handles of
 * list (taken; the array stays the caller's), printed as --tree, --name
 * or the table (--parent) ask, by name unless topological.  start (--from,
 * borrowed) heads the tree. */
void vkshMomentListPrint(vkshCtl *ctl, const vkshCmd *cmd, const vkshMomentKind *kind,
                         void **list, int n, void *start, bool topological);
/* --bandwidth of the block job commands (MiB/s, or bytes/s with
 * --bytes, or a scaled byte count): -1 bad, 0 absent, 1 set
 * (commands-blockjob.c). */
int vkshBandwidthOpt(vkshCtl *ctl, const vkshCmd *cmd, unsigned long *bw);
extern const vkshCmdDef vkshCmdAttachDisk, vkshCmdAttachInterface, vkshCmdChangeMedia,
    vkshCmdUpdateMemoryDevice, vkshCmdDomdisplay, vkshCmdScreenshot,
    vkshCmdDomsetlaunchsecstate, vkshCmdDomFdAssociate, vkshCmdLxcEnterNamespace,
    vkshCmdQemuMonitorEvent, vkshCmdBlockcommit, vkshCmdBlockcopy, vkshCmdGuestinfo,
    vkshCmdDomstats, vkshCmdCheckpointList;

/* The options of a command that takes nothing but <domain>. */
extern const vkshOptDef vkshOptsDomainOnly[];

/* output.c */
void vkshPrint(vkshCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void vkshPrintExtra(vkshCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void vkshError(vkshCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void vkshErrorHandler(void *opaque, virErrorPtr err);
void vkshSaveLibError(vkshCtl *ctl);
void vkshResetLibError(vkshCtl *ctl);
void vkshReportLibError(vkshCtl *ctl);
bool vkshNoSupport(void);
const char *vkshStateToString(int state);
const char *vkshStateReasonToString(int state, int reason);

typedef struct _vkshTable vkshTable;
vkshTable *vkshTableNew(const char *first, ...) G_GNUC_NULL_TERMINATED;
void vkshTableAddRow(vkshTable *t, const char *first, ...) G_GNUC_NULL_TERMINATED;
void vkshTablePrint(vkshCtl *ctl, vkshTable *t);
void vkshTableFree(vkshTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkshTable, vkshTableFree)

/* Domain lookup, in virsh's order: id, then UUID, then name. */
#define VKSH_BYID   (1 << 0)
#define VKSH_BYUUID (1 << 1)
#define VKSH_BYNAME (1 << 2)
#define VKSH_BYANY  (VKSH_BYID | VKSH_BYUUID | VKSH_BYNAME)
virDomainPtr vkshLookupDomain(vkshCtl *ctl, const char *name, unsigned int by);
virDomainPtr vkshCommandDomain(vkshCtl *ctl, const vkshCmd *cmd,
                               const char **name, unsigned int by);
char *vkshReadFile(vkshCtl *ctl, const char *path);

/* g_autoptr(virDomain) dom = ...: frees the handle on every return path. */
static inline void vkshDomainUnref(virDomain *dom) { if (dom) virDomainFree(dom); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, vkshDomainUnref)

/* commands defined in one file and listed in another's group */
/* commands-qemu.c */
extern const vkshCmdDef vkshCmdQemuMonitorCommand, vkshCmdQemuAgentCommand,
    vkshCmdQemuAttach;
extern const vkshCmdDef vkshCmdCreate, vkshCmdStart, vkshCmdDestroy,
    vkshCmdShutdown, vkshCmdReboot, vkshCmdReset, vkshCmdSuspend,
    vkshCmdResume, vkshCmdSave, vkshCmdRestore, vkshCmdManagedSave;

/* commands-vcpu.c: cpumaps sized by the host's CPU count */
int vkshHostCpuCount(vkshCtl *ctl);
char *vkshCpumapFormat(const unsigned char *map, int ncpus);
/* A cpumap as virsh prints it: "0-3,6" when pretty, else "yyyy--y". */
void vkshCpumapPrint(vkshCtl *ctl, const unsigned char *map, int ncpus, bool pretty);
/* virsh's cpulist ("0-3,^2", "r") as a map of maplen bytes; NULL after an error. */
unsigned char *vkshParseCpulist(vkshCtl *ctl, const char *list, int ncpus, int *maplen);

/* table[value], or fallback when value is not an index of it. */
const char *vkshEnumName(const char *const *table, size_t n, int value,
                         const char *fallback);
#define VKSH_ENUM_NAME(table, value, fallback) \
    vkshEnumName(table, G_N_ELEMENTS(table), value, fallback)

/* host/vCPU commands (commands-vcpu.c, commands-domstats.c,
 * commands-node.c), listed in the groups of the other files */
extern const vkshCmdDef vkshCmdVcpuinfo, vkshCmdVcpupin, vkshCmdEmulatorpin,
    vkshCmdDommemstat, vkshCmdSchedinfo, vkshCmdDomblkerror, vkshCmdCpuStats,
    vkshCmdSendKey, vkshCmdNodecpumap, vkshCmdNodecpustats, vkshCmdNodememstats,
    vkshCmdCpuModels, vkshCmdDomcapabilities;

/* A typed parameter's value as virsh prints it (commands-domstats.c). */
char *vkshTypedParamString(const virTypedParameter *p);
/* Each as "name           : value", virsh's layout for tuning parameters. */
void vkshPrintTypedParams(vkshCtl *ctl, const virTypedParameter *params, int n);
/* A device's typed parameters read as virsh reads them (the count, then
 * the values) and printed as above; getError is virsh's message. */
typedef int (*vkshDeviceParamsFn)(virDomainPtr dom, const char *device,
                                  virTypedParameterPtr params, int *n, unsigned int flags);
bool vkshPrintDeviceParams(vkshCtl *ctl, virDomainPtr dom, const char *device,
                           vkshDeviceParamsFn get, unsigned int flags, const char *getError);
/* The NUMA cell IDs and the host's page sizes (KiB) from the
 * capabilities, as virsh finds them (commands-hostmem.c). */
GArray *vkshHostCells(vkshCtl *ctl);
GArray *vkshHostPageSizes(vkshCtl *ctl);
extern const vkshCmdDef vkshCmdFreecell, vkshCmdFreepages, vkshCmdAllocpages,
    vkshCmdNodeMemoryTune, vkshCmdNodesuspend, vkshCmdNodesevinfo;
/* commands-hostcpu.c */
extern const vkshCmdDef vkshCmdCpuBaseline, vkshCmdCpuCompare, vkshCmdHypervisorCpuBaseline,
    vkshCmdHypervisorCpuCompare, vkshCmdDomxmlFromNative, vkshCmdDomxmlToNative;

/* commands-migrate.c */
extern const vkshCmdDef vkshCmdMigrate, vkshCmdMigrateSetspeed, vkshCmdMigrateGetspeed,
    vkshCmdMigrateSetdowntime, vkshCmdMigrateGetdowntime, vkshCmdDomjobinfo,
    vkshCmdDomjobabort, vkshCmdMigratePostcopy;

/* commands-console.c */
extern const vkshCmdDef vkshCmdConsole;
/* The network named by option opt: by UUID, then by name (commands-network.c). */
virNetworkPtr vkshCommandNetwork(vkshCtl *ctl, const vkshCmd *cmd, const char *opt);
/* commands-netport.c */
extern const vkshCmdDef vkshCmdNetPortList, vkshCmdNetPortCreate, vkshCmdNetPortDumpxml,
    vkshCmdNetPortDelete;
/* commands-ifaddr.c */
extern const vkshCmdDef vkshCmdDomifaddr;

/* Waiting for events (commands-objevent.c): the callbacks print through
 * vkshEventPrint, which ends the wait after the first event unless loop. */
typedef struct {
    vkshCtl *ctl;
    bool loop;
    bool timestamp;
    bool done;
    bool timedOut;
    int count;
} vkshEventWait;
void vkshEventPrint(vkshEventWait *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* --timeout in seconds (0 when absent); false after an error. */
bool vkshEventTimeout(vkshCtl *ctl, const vkshCmd *cmd, int *timeout);
/* Turns the event loop until done, timeout or Ctrl-C, then prints virsh's
 * summary; true when an event arrived. */
bool vkshEventLoop(vkshCtl *ctl, vkshEventWait *w, int timeout);
extern const vkshCmdDef vkshCmdIfaceBridge, vkshCmdIfaceUnbridge;   /* commands-ifbridge.c */
extern const vkshCmdDef vkshCmdNetEvent, vkshCmdPoolEvent, vkshCmdNodedevEvent,
    vkshCmdSecretEvent;

/* commands-snapshot.c, commands-snapshot-list.c */
static inline void vkshSnapUnref(virDomainSnapshot *s) { if (s) virDomainSnapshotFree(s); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainSnapshot, vkshSnapUnref)
/* The text of the first <tag> of a snapshot document (not one of the
 * embedded domain: the snapshot's own fields come before <domain>). */
char *vkshSnapshotField(const char *xml, const char *tag);
extern const vkshCmdDef vkshCmdSnapshotList;
/* commands-edit.c (the *-edit commands, listed in their objects' groups) */
extern const vkshCmdDef vkshCmdEdit, vkshCmdManagedSaveEdit, vkshCmdSaveImageEdit,
    vkshCmdSnapshotEdit, vkshCmdCheckpointEdit, vkshCmdNetEdit, vkshCmdPoolEdit,
    vkshCmdIfaceEdit, vkshCmdNwfilterEdit;
/* commands-domblk.c */
extern const vkshCmdDef vkshCmdDomblklist, vkshCmdDomiflist, vkshCmdDomifGetlink,
    vkshCmdDomblkinfo, vkshCmdDomblkstat, vkshCmdDomifstat, vkshCmdDomblkthreshold,
    vkshCmdBlockresize, vkshCmdDetachDeviceAlias, vkshCmdUpdateDevice;
/* commands-domtune.c */
extern const vkshCmdDef vkshCmdMemtune, vkshCmdBlkiotune, vkshCmdNumatune, vkshCmdPerf,
    vkshCmdDomcontrol, vkshCmdDomtime, vkshCmdInjectNmi, vkshCmdSendProcessSignal,
    vkshCmdDompmsuspend, vkshCmdDompmwakeup, vkshCmdMaxvcpus;
/* commands-domguest.c */
extern const vkshCmdDef vkshCmdIothreadinfo, vkshCmdIothreadadd, vkshCmdIothreaddel,
    vkshCmdIothreadpin, vkshCmdIothreadset, vkshCmdSetvcpu, vkshCmdSetLifecycleAction,
    vkshCmdMetadata, vkshCmdDomhostname, vkshCmdDomfsinfo, vkshCmdDomfsfreeze,
    vkshCmdDomfsthaw, vkshCmdDomfstrim, vkshCmdSetUserPassword, vkshCmdGetUserSshkeys,
    vkshCmdManagedSaveRemove, vkshCmdManagedSaveDumpxml, vkshCmdManagedSaveDefine,
    vkshCmdSaveImageDumpxml, vkshCmdSaveImageDefine, vkshCmdMigrateCompcache;
/* commands-domdev.c */
extern const vkshCmdDef vkshCmdDetachDisk, vkshCmdDetachInterface, vkshCmdDomifSetlink,
    vkshCmdVncdisplay, vkshCmdTtyconsole, vkshCmdDump, vkshCmdDomiftune,
    vkshCmdSetUserSshkeys, vkshCmdBackupBegin, vkshCmdBackupDumpxml;
/* commands-blockjob.c */
extern const vkshCmdDef vkshCmdBlockjob, vkshCmdBlockpull, vkshCmdBlkdeviotune,
    vkshCmdGuestvcpus, vkshCmdGuestAgentTimeout, vkshCmdDomlaunchsecinfo,
    vkshCmdDomdirtyrateCalc;
/* command groups */
extern const vkshCmdDef *const vkshDomainCmds[];
extern const vkshCmdDef *const vkshMonitorCmds[];
extern const vkshCmdDef *const vkshEventCmds[];
extern const vkshCmdDef *const vkshHostCmds[];
extern const vkshCmdDef *const vkshShellCmds[];
extern const vkshCmdDef *const vkshNetworkCmds[];
extern const vkshCmdDef *const vkshIfaceCmds[];
extern const vkshCmdDef *const vkshNodedevCmds[];
extern const vkshCmdDef *const vkshSecretCmds[];
extern const vkshCmdDef *const vkshNWFilterCmds[];
extern const vkshCmdDef *const vkshCheckpointCmds[];
extern const vkshCmdDef *const vkshSnapshotCmds[];

#endif /* VKSH_H */
