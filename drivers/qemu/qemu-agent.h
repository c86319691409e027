/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A client of the QEMU guest agent (qemu-ga): JSON lines over the host
 * end of the guest's org.qemu.guest_agent.0 virtio-serial port, a UNIX
 * socket QEMU listens on.
 */
#ifndef VK_QEMU_AGENT_H
#define VK_QEMU_AGENT_H

#include <stdbool.h>
#include <glib.h>

#include "util/json.h"

typedef struct _vkQemuAgent vkQemuAgent;

/* libvirt's timeouts, in seconds: BLOCK waits until the guest answers
 * (or QEMU goes away), DEFAULT is QEMU_AGENT_WAIT_TIME, NOWAIT gives up
 * at once when the answer is not there. */
#define VK_QEMU_AGENT_BLOCK (-2)
#define VK_QEMU_AGENT_DEFAULT (-1)
#define VK_QEMU_AGENT_NOWAIT 0
#define VK_QEMU_AGENT_WAIT_S 5

/* Connects to the channel's socket and synchronises with the agent
 * (guest-sync-delimited): NULL with VIR_ERR_AGENT_UNRESPONSIVE when the
 * guest does not answer within the sync timeout (libvirt's 5 s, or
 * timeoutS when shorter and not BLOCK). */
vkQemuAgent *vkQemuAgentOpen(const char *path, int timeoutS);
void vkQemuAgentClose(vkQemuAgent *ag);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkQemuAgent, vkQemuAgentClose)

/* One command; args (taken, may be NULL) are its "arguments".  *ret (may
 * be NULL) gets a copy of "return".  An "error" answer is
 * VIR_ERR_INTERNAL_ERROR naming the command and the agent's words, no
 * answer in time VIR_ERR_AGENT_UNRESPONSIVE.  With noReply the command
 * is one the agent answers only when it fails (guest-shutdown): a closed
 * channel or silence until timeoutS counts as success. */
int vkQemuAgentCommand(vkQemuAgent *ag, const char *cmd, vkJSON *args, vkJSON **ret,
                       int timeoutS, bool noReply);

/* Passthrough of a caller's whole command: *reply (g_free) is the
 * agent's answer as text; an "error" answer fails, as libvirt's
 * qemu-agent-command does. */
int vkQemuAgentCommandRaw(vkQemuAgent *ag, const char *json, int timeoutS, char **reply);

#endif
