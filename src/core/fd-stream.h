/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A stream backend over one file descriptor: a pty (consoles), a pipe or
 * a socket.  Blocking streams wait in poll(); nonblocking ones answer -2.
 * Event callbacks go through virEventAddHandle, i.e. whichever event loop
 * the application registered (virsh's, python's, virtkitd's GLib loop).
 * A pty whose other side went away (EIO) reads as end of stream.
 */
#ifndef VK_CORE_FD_STREAM_H
#define VK_CORE_FD_STREAM_H

#include "virtkit/virtkit.h"

/* Attaches fd to st.  Takes ownership of fd, also on failure; 0, or -1
 * with an error set. */
int vkFdStreamOpen(virStreamPtr st, int fd);

/* fn(st, opaque) runs once, when the descriptor is closed (finish, abort,
 * or the stream's last reference): for drivers that keep a table of open
 * sessions.  st must have been opened by vkFdStreamOpen. */
/* Another session took the device over: st's owner sees a hangup (its
 * event callback fires, Recv returns 0, Send fails) and st lets go of the
 * device at once.  For drivers; st must come from vkFdStreamOpen. */
void vkFdStreamHangup(virStreamPtr st);

typedef void (*vkFdStreamCloseHook)(virStreamPtr st, void *opaque);
void vkFdStreamSetCloseHook(virStreamPtr st, vkFdStreamCloseHook fn, void *opaque);

#endif
