/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain names are data, never paths.
 *
 * A name is whatever libvirt accepts (anything but empty, a newline or a
 * '/'), so ".", "..", "-x" or a tab are valid names.  Every driver that
 * turns a name into something on the host goes through this file: files
 * are "<dir>/<name><ext>" with a non-empty extension (so "." becomes
 * "..xml", never the directory itself), and cgroup leaves carry an escaped
 * name plus a suffix, so no name can be ".", "..", a cgroup control file or
 * another container's group.
 */
#ifndef VK_CONF_DOMAIN_NAME_H
#define VK_CONF_DOMAIN_NAME_H

#include "conf/domain-conf.h"

/* libvirt's rules for any driver: VIR_ERR_NO_NAME when empty or NULL,
 * VIR_ERR_XML_DETAIL (XML domain) on a newline, VIR_ERR_XML_ERROR on a
 * '/'.  0 when acceptable. */
int vkDomainNameCheck(const char *name);

/* libvirt's checks of virDomainRename's new name that need no driver
 * state: empty -> VIR_ERR_INVALID_ARG, the current name ->
 * VIR_ERR_OPERATION_INVALID, then vkDomainNameCheck.  A driver adds its
 * own (running, transient, name taken). */
int vkDomainRenameCheck(const char *oldName, const char *newName);

/* "<dir>/<name><ext>"; ext must be non-empty ("." + ".xml" is "..xml").
 * NULL with the vkDomainNameCheck error when the name is not acceptable,
 * so a name that skipped the parser (read back from disk, given to
 * rename) still cannot leave dir. */
char *vkDomainNameFile(const char *dir, const char *name, const char *ext);

/* The cgroup directory name of a domain: the name with control characters,
 * '/' and '\\' written as \xHH, then suffix (e.g.
 * ".libvirt-lxc"); over-long names are cut and made unique with a hash.
 * Distinct names always give distinct leaves. */
char *vkDomainNameCgroupLeaf(const char *name, const char *suffix);

/* The name as one URI path segment (xend's /xend/domain/<name>): every
 * byte but letters, digits, '-', '_' and '~' percent-encoded, dots too,
 * so "." and ".." cannot become dot-segments. */
char *vkDomainNameURISegment(const char *name);

/* Writes def's inactive XML to "<dir>/<name>.xml" atomically; failures
 * carry the XML error domain, as libvirt's config saving does. */
int vkDomainDefSaveConfig(const char *dir, const vkDomainDef *def);

#endif
