/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Visibility markers for the public headers.  The library is built with
 * hidden visibility and a version script; these only matter for data. */
#ifndef VIRTKIT_EXPORT_H
#define VIRTKIT_EXPORT_H

#define VIR_EXPORT_VAR extern

#endif
