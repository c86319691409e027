/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replay driver: feeds every file named on the command line (directories
 * are walked one level deep) to LLVMFuzzerTestOneInput.  It stands in for
 * libFuzzer in ordinary builds, so the corpus and every saved crash
 * reproducer are re-run by `meson test` with any compiler.
 */
#include <errno.h>

#include "fuzz-common.h"

/* Targets that need no set-up do not define it. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static int
runFile(const char *path)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        fprintf(stderr, "cannot read %s: %s\n", path, gerr->message);
        return -1;
    }
    fprintf(stderr, "running %s (%zu bytes)\n", path, (size_t)len);
    /* A copy of exactly len bytes, so an overread past the input is caught
     * by ASan as it would be under libFuzzer. */
    g_autofree uint8_t *copy = g_memdup2(data, len ? len : 1);
    LLVMFuzzerTestOneInput(copy, len);
    return 0;
}

static int
sortNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
runPath(const char *path, size_t *count)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = NULL;
    const char *name;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        if (runFile(path) < 0)
            return -1;
        (*count)++;
        return 0;
    }
    if (!(dir = g_dir_open(path, 0, &gerr))) {
        fprintf(stderr, "cannot open %s: %s\n", path, gerr->message);
        return -1;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir))) {
        if (name[0] == '.')
            continue;
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    }
    g_ptr_array_sort(names, sortNames);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        if (g_file_test(file, G_FILE_TEST_IS_DIR))
            continue;
        if (runFile(file) < 0)
            return -1;
        (*count)++;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    size_t count = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        /* A missing regressions/ folder just means no crash was ever found */
        if (!g_file_test(argv[i], G_FILE_TEST_EXISTS))
            continue;
        if (runPath(argv[i], &count) < 0)
            return EXIT_FAILURE;
    }
    if (count == 0) {
        fprintf(stderr, "no input files found\n");
        return EXIT_FAILURE;
    }
    fprintf(stderr, "%zu inputs replayed without a crash\n", count);
    return EXIT_SUCCESS;
}
