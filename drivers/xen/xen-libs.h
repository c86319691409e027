/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Xen's libraries, opened on first use.
 *
 * libxenctrl and libxenstore pull in seven more of Xen's libraries (about
 * 260 KiB mapped); virtkitd and every program linking libvirtkit would
 * carry them without ever opening xen://.  So they are not linked: the
 * sub-drivers include Xen's headers as usual, and the few functions they
 * call are redirected (the macros at the end) to pointers that
 * vkXenCtrlLoad / vkXenStoreLoad fill with dlopen on the first xen://
 * open.  Every call site follows a successful open, which follows a load.
 */
#ifndef VK_DRIVERS_XEN_LIBS_H
#define VK_DRIVERS_XEN_LIBS_H

#include <stdbool.h>

#ifdef WITH_XENCTRL
# include <xenctrl.h>

# define VK_XENCTRL_FUNCS(X) \
    X(xc_interface_open) X(xc_interface_close) X(xc_version) X(xc_physinfo) \
    X(xc_domain_getinfolist) X(xc_domain_pause) X(xc_domain_unpause) \
    X(xc_domain_destroy) X(xc_domain_setmaxmem)

typedef struct {
# define VK_XEN_FIELD(f) __typeof__(f) *p_##f;
    VK_XENCTRL_FUNCS(VK_XEN_FIELD)
} vkXenCtrlFuncs;
extern vkXenCtrlFuncs vkXenCtrlLib;

/* Whether libxenctrl could be loaded (once per process; *why says why not). */
bool vkXenCtrlLoad(const char **why);
#endif

#ifdef WITH_XENSTORE
# include <xenstore.h>

# define VK_XENSTORE_FUNCS(X) \
    X(xs_open) X(xs_close) X(xs_directory) X(xs_read) X(xs_write) X(xs_watch) \
    X(xs_check_watch) X(xs_fileno) X(xs_is_domain_introduced)

typedef struct {
    VK_XENSTORE_FUNCS(VK_XEN_FIELD)
} vkXenStoreFuncs;
extern vkXenStoreFuncs vkXenStoreLib;

bool vkXenStoreLoad(const char **why);
#endif

#ifndef VK_XEN_LIBS_NO_REDIRECT
# ifdef WITH_XENCTRL
#  define xc_interface_open (vkXenCtrlLib.p_xc_interface_open)
#  define xc_interface_close (vkXenCtrlLib.p_xc_interface_close)
#  define xc_version (vkXenCtrlLib.p_xc_version)
#  define xc_physinfo (vkXenCtrlLib.p_xc_physinfo)
#  define xc_domain_getinfolist (vkXenCtrlLib.p_xc_domain_getinfolist)
#  define xc_domain_pause (vkXenCtrlLib.p_xc_domain_pause)
#  define xc_domain_unpause (vkXenCtrlLib.p_xc_domain_unpause)
#  define xc_domain_destroy (vkXenCtrlLib.p_xc_domain_destroy)
#  define xc_domain_setmaxmem (vkXenCtrlLib.p_xc_domain_setmaxmem)
# endif
# ifdef WITH_XENSTORE
#  define xs_open (vkXenStoreLib.p_xs_open)
#  define xs_close (vkXenStoreLib.p_xs_close)
#  define xs_directory (vkXenStoreLib.p_xs_directory)
#  define xs_read (vkXenStoreLib.p_xs_read)
#  define xs_write (vkXenStoreLib.p_xs_write)
#  define xs_watch (vkXenStoreLib.p_xs_watch)
#  define xs_check_watch (vkXenStoreLib.p_xs_check_watch)
#  define xs_fileno (vkXenStoreLib.p_xs_fileno)
#  define xs_is_domain_introduced (vkXenStoreLib.p_xs_is_domain_introduced)
# endif
#endif

#endif
