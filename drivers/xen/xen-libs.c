/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loads Xen's libraries on the first xen:// open (see xen-libs.h).  The
 * sonames are the ones this build was compiled against (xen-sonames.h);
 * a library is never unloaded, so a pointer once filled stays valid.
 */
#define VK_XEN_LIBS_NO_REDIRECT
#include <dlfcn.h>
#include <glib.h>

#include "drivers/xen/xen-libs.h"
#include "drivers/xen/xen-sonames.h"

typedef struct {
    GOnce once;
    const char *soname;
    const char *const *names;
    void **slots;
    size_t n;
    char *why;
} vkXenLib;

static gpointer
loadLib(gpointer opaque)
{
    vkXenLib *lib = opaque;
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

    if (!handle) {
        lib->why = g_strdup_printf("cannot load %s: %s", lib->soname, dlerror());
        return NULL;
    }
    for (size_t i = 0; i < lib->n; i++) {
        if (!(lib->slots[i] = dlsym(handle, lib->names[i]))) {
            lib->why = g_strdup_printf("%s has no %s", lib->soname, lib->names[i]);
            /* leave none filled: a half-loaded library is not used */
            for (size_t j = 0; j < i; j++)
                lib->slots[j] = NULL;
            dlclose(handle);
            return NULL;
        }
    }
    return lib;
}

static bool
load(vkXenLib *lib, const char **why)
{
    if (g_once(&lib->once, loadLib, lib))
        return true;
    if (why)
        *why = lib->why;
    return false;
}

#define VK_XEN_NAME(f) #f,

#ifdef WITH_XENCTRL
vkXenCtrlFuncs vkXenCtrlLib;
static const char *const ctrlNames[] = { VK_XENCTRL_FUNCS(VK_XEN_NAME) };
G_STATIC_ASSERT(sizeof(vkXenCtrlFuncs) == G_N_ELEMENTS(ctrlNames) * sizeof(void *));
static vkXenLib ctrl = {
    G_ONCE_INIT, VK_XENCTRL_SONAME, ctrlNames, (void **)&vkXenCtrlLib, G_N_ELEMENTS(ctrlNames),
    NULL,
};

bool
vkXenCtrlLoad(const char **why)
{
    return load(&ctrl, why);
}
#endif

#ifdef WITH_XENSTORE
vkXenStoreFuncs vkXenStoreLib;
static const char *const storeNames[] = { VK_XENSTORE_FUNCS(VK_XEN_NAME) };
G_STATIC_ASSERT(sizeof(vkXenStoreFuncs) == G_N_ELEMENTS(storeNames) * sizeof(void *));
static vkXenLib store = {
    G_ONCE_INIT, VK_XENSTORE_SONAME, storeNames, (void **)&vkXenStoreLib,
    G_N_ELEMENTS(storeNames), NULL,
};

bool
vkXenStoreLoad(const char **why)
{
    return load(&store, why);
}
#endif
