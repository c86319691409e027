/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding and loading virtkit-tls.so (tls-module.h says why it is apart).
 *
 * The module is looked for relative to the object this code is linked
 * into (libvirtkit.so, libvirt.so.0 of the compat layer, or virtkitd),
 * so an installed tree works wherever it was put (DESTDIR included):
 *   - inside the build tree: the module this build made;
 *   - otherwise: beside the object, then where the object's install
 *     directory says libdir is, then the configured libdir itself.
 * VIRTKIT_TLS_MODULE names another file (not for set-uid programs).
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "rpc/tls-module.h"
#include "src/rpc/tls-paths.h"

static GMutex loadLock;
static const vkTlsOps *loaded;

/* The directory of the file this function is in, or NULL. */
static char *
selfDir(void)
{
    Dl_info info;
    struct link_map *map = NULL;
    g_autofree char *file = NULL;

    if (dladdr1((void *)selfDir, &info, (void **)&map, RTLD_DL_LINKMAP) == 0 || !map)
        return NULL;
    /* The main program's map has no name: ask the kernel for it. */
    if (!map->l_name || !*map->l_name)
        file = g_file_read_link("/proc/self/exe", NULL);
    else
        file = g_canonicalize_filename(map->l_name, NULL);
    return file ? g_path_get_dirname(file) : NULL;
}

static GPtrArray *
candidates(void)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    const char *env = secure_getenv("VIRTKIT_TLS_MODULE");
    g_autofree char *dir = NULL;
    static const char *const rel[] = VK_TLS_MODULE_RELDIRS;

    if (env && *env) {
        g_ptr_array_add(list, g_strdup(env));
        return list;
    }
    dir = selfDir();
    if (dir && g_str_has_prefix(dir, VK_TLS_BUILD_ROOT) &&
        (dir[strlen(VK_TLS_BUILD_ROOT)] == '/' || dir[strlen(VK_TLS_BUILD_ROOT)] == '\0')) {
        g_ptr_array_add(list, g_strdup(VK_TLS_MODULE_BUILT));
        return list;
    }
    if (dir) {
        g_ptr_array_add(list, g_build_filename(dir, VK_TLS_MODULE_NAME, NULL));
        for (size_t i = 0; i < G_N_ELEMENTS(rel); i++)
            g_ptr_array_add(list, g_build_filename(dir, rel[i], VK_TLS_MODULE_NAME, NULL));
    }
    g_ptr_array_add(list, g_strdup(VK_TLS_MODULE_INSTALLED));
    return list;
}

static const vkTlsOps *
loadFile(const char *path, char **why)
{
    const vkTlsOps *ops;
    void *handle;

    /* RTLD_LOCAL: gnutls' symbols stay out of the global namespace.  The
     * module is never closed: sessions and gnutls' state live until exit. */
    if (access(path, R_OK) < 0) {
        *why = g_strdup_printf("cannot load the TLS module '%s': %s", path,
                               g_strerror(errno));
        return NULL;
    }
    if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
        *why = g_strdup_printf("cannot load the TLS module '%s': %s", path, dlerror());
        return NULL;
    }
    ops = dlsym(handle, VK_TLS_MODULE_SYMBOL);
    if (!ops || ops->abi != VK_TLS_MODULE_ABI) {
        *why = g_strdup_printf("the TLS module '%s' is not from this build of virtkit "
                               "(no %s of version %d)", path, VK_TLS_MODULE_SYMBOL,
                               VK_TLS_MODULE_ABI);
        dlclose(handle);
        return NULL;
    }
    return ops;
}

const vkTlsOps *
vkTlsModuleLoad(char **why)
{
    g_autoptr(GPtrArray) list = NULL;
    const vkTlsOps *ops;

    if ((ops = g_atomic_pointer_get(&loaded)))
        return ops;
    g_mutex_lock(&loadLock);
    if (!(ops = loaded)) {
        list = candidates();
        /* The first that exists is the one meant: its failure is reported,
         * not hidden behind "not found" for the ones after it. */
        for (guint i = 0; i < list->len && !ops; i++) {
            const char *path = list->pdata[i];

            if (access(path, F_OK) == 0 || i + 1 == list->len) {
                ops = loadFile(path, why);
                break;
            }
        }
        if (ops)
            g_atomic_pointer_set(&loaded, ops);
    }
    g_mutex_unlock(&loadLock);
    return ops;
}
