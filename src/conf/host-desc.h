/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host description files (libvirt's test driver format): a <node> with
 * <cpu> (model, mhz, nodes, sockets, cores, threads, active), <memory>
 * in KiB, <domain> (with libvirt's test namespace: <test:runstate>),
 * <network>, <pool> (with <volume> children), <device> and <auth>
 * children; each object inline or as <X file='...'/> relative to the
 * file.  test:///PATH opens one.  Objects other than domains are handed
 * on as XML text for the driver's own parsers.
 */
#ifndef VK_CONF_HOST_DESC_H
#define VK_CONF_HOST_DESC_H

#include <glib.h>

#include "conf/domain-conf.h"

typedef struct {
    virNodeInfo info;            /* what the file sets, the rest as given */
    unsigned long long active;   /* <cpu><active>; 0 when absent */
    GPtrArray *domains;          /* vkDomainDef*, in document order */
    GArray *runstates;           /* int per domain: <test:runstate>, or -1 */
    GPtrArray *networks;         /* char *: <network> XML */
    GPtrArray *pools;            /* vkHostDescPool * */
    GPtrArray *devices;          /* char *: <device> XML */
    GPtrArray *interfaces;       /* char *: <interface> XML */
    GPtrArray *users;            /* char *: user, password, user, password ... */
    bool hasAuth;                /* an <auth> element: opening needs credentials */
} vkHostDesc;

typedef struct {
    char *xml;                   /* <pool> without its <volume> children */
    GPtrArray *volumes;          /* char *: <volume> XML */
} vkHostDescPool;

/* libvirt's test driver namespace (<test:runstate> and friends). */
#define VK_TEST_DOMAIN_NS "http://libvirt.org/schemas/domain/test/1.0"

/* Reads the file at path; info starts as *defaults.  NULL with the
 * error reported (in the test driver's error domain, its only user):
 * VIR_ERR_SYSTEM_ERROR for a file that cannot be read, VIR_ERR_XML_ERROR
 * for one that is not well formed, has the wrong root, a bad number or a
 * domain twice, or the domain parser's own error. */
vkHostDesc *vkHostDescLoad(const char *path, const virNodeInfo *defaults);
void vkHostDescFree(vkHostDesc *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkHostDesc, vkHostDescFree)

#endif
