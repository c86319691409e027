/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live status file of a running domain: one parser, one formatter.
 *
 * A stateful driver writes ROOT/run/NAME.xml whenever a running domain
 * changes and reads it back after a restart to find its guest again
 * (the crash-recovery path).  The file is
 *
 *   <domstatus version='1' state='1' reason='1' id='3' pid='1234'
 *              monitor='/run/x.monitor' cgroup='/sys/fs/cgroup/...'>
 *     <extra name='init' type='int'>1240</extra>
 *     <domain type='kvm' id='3'>...the live definition...</domain>
 *   </domstatus>
 *
 * The common facts are attributes; what only one driver needs travels as
 * typed <extra> pairs the codec stores without interpreting.  Readers
 * ignore elements and attributes they do not know, so a newer writer's
 * additions do not stop an older reader; an incompatible change would
 * raise version, which older readers refuse.  Files without version
 * were written before this codec by printf; they are read too (see
 * domain-status.c for the two quirks of that format).
 */
#ifndef VK_CONF_DOMAIN_STATUS_H
#define VK_CONF_DOMAIN_STATUS_H

#include <glib.h>

#include "conf/domain-conf.h"

/* The guarded reader refuses bigger files; the live definition alone may
 * be VK_DOMAIN_XML_MAX, and formatting may grow it (escapes). */
#define VK_DOMAIN_STATUS_MAX (2 * VK_DOMAIN_XML_MAX)

typedef struct {
    int state;            /* virDomainState */
    int reason;           /* the state's reason enum */
    int id;               /* -1: none recorded */
    int pid;              /* the process the driver watches; > 0 */
    char *monitor;        /* QEMU's monitor socket; NULL when none */
    char *cgroup;         /* the domain's cgroup directory; NULL when none */
    GPtrArray *extras;    /* private to domain-status.c */
} vkDomainStatus;

/* An empty record: id -1, everything else 0/NULL. */
vkDomainStatus *vkDomainStatusNew(void);
void vkDomainStatusFree(vkDomainStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkDomainStatus, vkDomainStatusFree)

/* Driver-specific pairs.  Keys are [a-z0-9_-], at most 64 characters;
 * setting a key again replaces its value (and type). */
void vkDomainStatusSetInt(vkDomainStatus *status, const char *key, long long value);
void vkDomainStatusSetString(vkDomainStatus *status, const char *key, const char *value);
/* 1 and *value set when key holds an integer, 0 when key is absent, -1
 * (VIR_ERR_INTERNAL_ERROR reported) when it holds something else. */
int vkDomainStatusGetInt(const vkDomainStatus *status, const char *key, long long *value);
/* The string value of key; NULL when absent or not a string. */
const char *vkDomainStatusGetString(const vkDomainStatus *status, const char *key);

/* The file's text for status and the live definition def (formatted with
 * VIR_DOMAIN_XML_SECURE: the file is the daemon's own, mode 0600).  NULL
 * with VIR_ERR_INTERNAL_ERROR when a value cannot be written as XML 1.0
 * (control characters, invalid UTF-8, a bad key) or the result would be
 * too big for the parser to read back. */
char *vkDomainStatusFormat(const vkDomainStatus *status, const vkDomainDef *def);

/* Parses a status file's text through the guarded XML reader; the nested
 * <domain> must be of a type in virtType (as vkDomainDefParseString).
 * On success returns the record and sets *def to the live definition.
 * NULL on failure with the reader's error (not well formed, too big) or
 * VIR_ERR_XML_ERROR (wrong root, no or two <domain>, missing pid) or
 * VIR_ERR_XML_DETAIL (a value that is not what it should be), each
 * naming the element or attribute. */
vkDomainStatus *vkDomainStatusParse(const char *text, const char *virtType,
                                    vkDomainDef **def);

#endif
