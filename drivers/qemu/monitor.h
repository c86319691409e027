/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A QMP client on a connected UNIX socket.
 */
#ifndef VK_QEMU_MONITOR_H
#define VK_QEMU_MONITOR_H

#include <glib.h>

#include "util/json.h"

typedef struct _vkQemuMonitor vkQemuMonitor;

/* How long a QMP reply may take by default: far more than any command
 * we send needs, even under TCG on a loaded host; past it QEMU is taken
 * for hung (destroy still works: it never asks the monitor). */
#define VK_QEMU_MONITOR_REPLY_TIMEOUT_MS 60000

/* A longer line from QEMU is refused and the monitor closed. */
#define VK_QEMU_MONITOR_MAX_LINE (10 * 1024 * 1024)

typedef struct {
    /* A QMP event: name ("SHUTDOWN"), its "data" member (may be NULL).
     * Called from the monitor's main context, never with a monitor lock
     * held; it must not issue monitor commands itself. */
    void (*event)(vkQemuMonitor *mon, const char *name, vkJSON *data, void *opaque);
    /* End of the stream (QEMU went away) or a protocol error (error is
     * then non-NULL): called at most once, from the main context. */
    void (*eof)(vkQemuMonitor *mon, const char *error, void *opaque);
} vkQemuMonitorCallbacks;

/* Takes ownership of fd (a connected stream socket) and watches it from
 * ctx (a GMainContext some thread iterates).  opaque is passed to the
 * callbacks as is. */
vkQemuMonitor *vkQemuMonitorOpen(int fd, GMainContext *ctx,
                                 const vkQemuMonitorCallbacks *cb, void *opaque);
/* Waits for QEMU's greeting and negotiates capabilities.  Fails after
 * timeoutMs with VIR_ERR_OPERATION_TIMEOUT, or at EOF. */
int vkQemuMonitorHandshake(vkQemuMonitor *mon, int timeoutMs);
/* Stops watching and closes the socket: no callback runs after it
 * returns (except one already running in another thread); pending and
 * later commands fail.  Drops the caller's reference. */
void vkQemuMonitorClose(vkQemuMonitor *mon);

/* Extra references for callers that use the monitor without holding the
 * lock of whoever may close it. */
vkQemuMonitor *vkQemuMonitorRef(vkQemuMonitor *mon);
void vkQemuMonitorUnref(vkQemuMonitor *mon);

/* QEMU's timestamp of the event being delivered: only inside the event
 * callback (both are read and written on the monitor's context). */
void vkQemuMonitorEventTime(vkQemuMonitor *mon, long long *seconds, unsigned int *micros);

/* Runs one command (one in flight per monitor; callers queue up) and
 * waits for its reply, at most the command timeout.  args (taken, may be
 * NULL) is its "arguments".  Returns the "return" member in *ret (may be
 * NULL if not wanted), or -1 with VIR_ERR_OPERATION_FAILED carrying QMP's
 * error description, VIR_ERR_OPERATION_TIMEOUT when no reply came in
 * time (a late one is dropped), or VIR_ERR_OPERATION_INVALID when the
 * monitor is closed. */
int vkQemuMonitorCommand(vkQemuMonitor *mon, const char *cmd, vkJSON *args,
                         vkJSON **ret);

/* Passthrough: json is a whole QMP command as a client wrote it; it goes
 * to QEMU as is (with an id of ours unless it has one) and *reply (g_free)
 * is QEMU's whole answer, a QMP error included: what libvirt's
 * qemu-monitor-command returns.  -1 only when it cannot be exchanged or
 * json is not a command.  passFd (>= 0) rides along (SCM_RIGHTS). */
int vkQemuMonitorCommandRaw(vkQemuMonitor *mon, const char *json, int passFd, char **reply);

/* QMP getfd: hands QEMU a copy of fd under name (for "fd:NAME" URIs).
 * The caller keeps its own fd. */
int vkQemuMonitorSendFd(vkQemuMonitor *mon, const char *name, int fd);

/* True once the monitor is unusable: QEMU's end is gone (EOF read, or a
 * command could not be written to it, as when QEMU exits), a protocol
 * error, or our own vkQemuMonitorClose. */
bool vkQemuMonitorIsBroken(vkQemuMonitor *mon);

/* From now on a command whose reply takes longer than timeoutMs fails
 * with VIR_ERR_OPERATION_TIMEOUT; 0 restores the default
 * (VK_QEMU_MONITOR_REPLY_TIMEOUT_MS).  A shorter one suits monitors whose
 * QEMU is disposable, like the capability probe's. */
void vkQemuMonitorSetCommandTimeout(vkQemuMonitor *mon, int timeoutMs);

/* Convenience wrappers. */
int vkQemuMonitorCont(vkQemuMonitor *mon);
int vkQemuMonitorStop(vkQemuMonitor *mon);
int vkQemuMonitorSystemPowerdown(vkQemuMonitor *mon);
int vkQemuMonitorSystemReset(vkQemuMonitor *mon);
/* Turns on QMP's MIGRATION event (migrate-set-capabilities events). */
int vkQemuMonitorSetMigrationEvents(vkQemuMonitor *mon);
/* True for a final MIGRATION status (completed, failed, cancelled). */
bool vkQemuMigrationDone(const char *status);
/* query-status: "running", "paused", ... (g_free) */
char *vkQemuMonitorQueryStatus(vkQemuMonitor *mon, bool *running);

#endif
