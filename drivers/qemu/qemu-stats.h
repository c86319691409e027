/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Day-two queries of running QEMU guests: statistics (memory, block,
 * interface, CPU, vCPU), block info, control and job info, domstats,
 * send-key, memory dumps.  The driver members live in qemu-stats.c,
 * qemu-stats-dev.c, qemu-vcpu.c, qemu-domstats.c, qemu-sendkey.c and
 * qemu-dump.c; the pure parsers of what the host
 * says (/proc, /proc/net/dev, image headers) in qemu-stats-proc.c, so
 * they are tested without a guest.
 */
#ifndef VK_QEMU_STATS_H
#define VK_QEMU_STATS_H

#include <stdbool.h>
#include <glib.h>

#include "drivers/qemu/qemu-private.h"

/* ---- qemu-stats-proc.c: pure parsers ---- */

typedef struct {
    unsigned long long userNs;
    unsigned long long systemNs;
    unsigned long long rssKiB;
    int processor;           /* the CPU it last ran on */
} vkQemuProcStat;

/* One /proc/PID[/task/TID]/stat text; -1 when malformed (no error set). */
int vkQemuProcStatParse(const char *text, vkQemuProcStat *out);
/* Reads /proc/pid/stat, or /proc/pid/task/tid/stat when tid > 0; -1 with
 * no error set when it cannot be read (the process is gone). */
int vkQemuProcStatRead(int pid, int tid, vkQemuProcStat *out);
/* The second field of /proc/pid/task/tid/schedstat: time spent waiting
 * on a run queue (ns); 0 when unreadable. */
unsigned long long vkQemuProcSchedDelay(int pid, int tid);

/* The counters of ifname in a /proc/net/dev text, as the guest sees them
 * when swapped (a tap: what the host sends, the guest receives).
 * 0 found, -1 when the text has no such interface. */
int vkQemuNetDevParse(const char *text, const char *ifname, bool swapped,
                      virDomainInterfaceStatsStruct *out);

/* The virtual size a qcow2 header (at least 32 bytes) gives; 0 when buf
 * is not a qcow2 header. */
unsigned long long vkQemuQcow2Capacity(const unsigned char *buf, size_t len);

/* Capacity, allocation and physical size of a local image read from the
 * host (libvirt's values for a domain that is not running); -1 with a
 * system error when the file cannot be read. */
int vkQemuImageInfo(const char *path, const char *format, virDomainBlockInfoPtr info);

/* ---- qemu-stats.c: helpers the other stats files share ---- */

/* The "stats" object of query-blockstats' entry for disk idx of def,
 * from the command's return value; NULL when QEMU did not list it. */
vkJSON *vkQemuBlockStatsFor(const vkJSON *ret, const vkDomainDef *def, int idx);
/* The balloon device's model is not 'none'. */
bool vkQemuHasBalloon(const vkDomainDef *def);
/* Which definitions VIR_DOMAIN_AFFECT_* flags name (CURRENT: the live one
 * of a running domain, else the persistent one); -1 with libvirt's error
 * for the live one of an inactive domain or the persistent one of a
 * transient domain.  Called locked. */
int vkQemuAffect(vkQemuDomain *obj, unsigned int flags, bool *live, bool *config);
/* At start, before the guest runs: the balloon's statistics period of
 * <memballoon><stats period='N'/> (QEMU has no command-line option for
 * it).  0 when there is none to set. */
int vkQemuBalloonApplyPeriod(vkQemuMonitor *mon, const vkDomainDef *def);
/* A QMP query with the domain's job, for a caller holding the lock and a
 * reference: running check, then cmd; returns locked. */
int vkQemuQuery(vkQemuState *st, vkQemuDomain *obj, const char *cmd, vkJSON *args,
                vkJSON **ret);

/* The balloon and QEMU's memory figures of a running domain, as
 * virDomainMemoryStats returns them; called locked with a reference,
 * takes the job. */
int vkQemuMemoryStatsGet(vkQemuState *st, vkQemuDomain *obj, virDomainMemoryStatPtr stats,
                         unsigned int nr_stats);
int vkQemuDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                            unsigned int nr_stats, unsigned int flags);
int vkQemuDomainSetMemoryStatsPeriod(virDomainPtr dom, int period, unsigned int flags);
int vkQemuDomainSetMaxMemory(virDomainPtr dom, unsigned long memory);
int vkQemuDomainBlockStats(virDomainPtr dom, const char *disk,
                           virDomainBlockStatsPtr stats, size_t size);
int vkQemuDomainBlockStatsFlags(virDomainPtr dom, const char *disk,
                                virTypedParameterPtr params, int *nparams,
                                unsigned int flags);
int vkQemuDomainInterfaceStats(virDomainPtr dom, const char *device,
                               virDomainInterfaceStatsPtr stats, size_t size);
int vkQemuDomainGetBlockInfo(virDomainPtr dom, const char *disk,
                             virDomainBlockInfoPtr info, unsigned int flags);
int vkQemuDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params,
                            unsigned int nparams, int start_cpu, unsigned int ncpus,
                            unsigned int flags);
int vkQemuDomainGetControlInfo(virDomainPtr dom, virDomainControlInfoPtr info,
                               unsigned int flags);
int vkQemuDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                        unsigned int flags);
int vkQemuDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                        unsigned int flags);
/* A save's progress (QEMU's migration to a file); the job API entry
 * points are qemu-migrate-job.c's, which ask here when no migration runs. */
int vkQemuSaveJobGetInfo(virDomainPtr dom, virDomainJobInfoPtr info);
int vkQemuSaveJobGetStats(virDomainPtr dom, int *type, virTypedParameterPtr *params,
                          int *nparams, unsigned int flags);
int vkQemuSaveJobAbort(virDomainPtr dom);

/* ---- qemu-stats-percpu.c ---- */
/* virDomainGetCPUStats for start_cpu >= 0: the counts libvirt's sequence
 * asks first (params per CPU, host CPUs), then cpu_time and vcpu_time of
 * each CPU from /proc.  Called locked with a reference on obj; returns
 * unlocked. */
int vkQemuPercpuStats(vkQemuState *st, vkQemuDomain *obj, virTypedParameterPtr params,
                      unsigned int nparams, int start_cpu, unsigned int ncpus);

/* ---- qemu-vcpu.c ---- */
/* One vCPU's thread as QEMU reports it (query-cpus-fast). */
typedef struct {
    int tid;
    bool online;
} vkQemuVcpuThread;
/* The vCPU threads of a running domain (index = vCPU number), from
 * query-cpus-fast under the job; NULL with an error. */
GArray *vkQemuVcpuThreads(vkQemuState *st, vkQemuDomain *obj);
int vkQemuDomainGetVcpus(virDomainPtr dom, virVcpuInfoPtr info, int maxinfo,
                         unsigned char *cpumaps, int maplen);
int vkQemuDomainGetVcpusFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainGetMaxVcpus(virDomainPtr dom);
int vkQemuDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus, unsigned int flags);
int vkQemuDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus);
/* The host's CPUs (present) and which are online, from sysfs. */
int vkQemuNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap, unsigned int *online,
                        unsigned int flags);

/* ---- qemu-domstats.c ---- */
int vkQemuConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                   virDomainStatsRecordPtr **retStats, unsigned int flags);

/* ---- qemu-dump.c ---- */
int vkQemuDomainCoreDump(virDomainPtr dom, const char *to, unsigned int flags);
int vkQemuDomainCoreDumpWithFormat(virDomainPtr dom, const char *to, unsigned int dumpformat,
                                   unsigned int flags);

/* ---- qemu-sendkey.c ---- */
int vkQemuDomainSendKey(virDomainPtr dom, unsigned int codeset, unsigned int holdtime,
                        unsigned int *keycodes, int nkeycodes, unsigned int flags);

#endif
