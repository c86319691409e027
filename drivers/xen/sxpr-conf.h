/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain definitions <-> xend's SXP domain configs.
 */
#ifndef VK_XEN_SXPR_CONF_H
#define VK_XEN_SXPR_CONF_H

#include "conf/domain-conf.h"
#include "drivers/xen/sxpr.h"

/* The (vm ...) config xend's op=create and op=new take.  NULL with
 * VIR_ERR_CONFIG_UNSUPPORTED for what xend cannot express (a disk of a
 * network type, an interface of type 'network', spice graphics, ...). */
vkSexpr *vkXenSxprFromDef(const vkDomainDef *def);
char *vkXenSxprFormatDef(const vkDomainDef *def);

/* A definition from a (vm ...) config or a (domain ...) record as
 * GET /xend/domain/NAME?detail=1 returns it; (domid N) gives the live id
 * unless inactive is set.  The result went through the conf parser, so it
 * is canonical and valid. */
vkDomainDef *vkXenDefFromSxpr(const vkSexpr *root, bool inactive);

#endif
