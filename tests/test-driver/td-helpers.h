/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared helpers for the test driver's unit tests: they talk to the driver
 * only through the public API.  Each test opens its own test:///default
 * connection and closes it at the end; the default state is freed with
 * the last connection, so every test starts from libvirt's default host.
 */
#ifndef VK_TESTS_TEST_DRIVER_HELPERS_H
#define VK_TESTS_TEST_DRIVER_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "virtkit/virtkit.h"

#define TD_URI "test:///default"
#define TD_TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

static inline void
tdQuietErrors(void *opaque, virErrorPtr err)
{
}

static inline int
tdSetupConn(void **state)
{
    virConnectPtr conn;

    virSetErrorFunc(NULL, tdQuietErrors);
    conn = virConnectOpen(TD_URI);
    if (!conn)
        return -1;
    *state = conn;
    return 0;
}

static inline int
tdTeardownConn(void **state)
{
    if (*state)
        virConnectClose(*state);
    *state = NULL;
    return 0;
}

/* A small persistent-style domain; uuid may be NULL (generated). */
static inline char *
tdDomainXML(const char *name, const char *uuid, unsigned long memKiB)
{
    g_autofree char *uuidElem = uuid ? g_strdup_printf("<uuid>%s</uuid>", uuid) : g_strdup("");

    return g_strdup_printf("<domain type='test'><name>%s</name>%s"
                           "<memory unit='KiB'>%lu</memory>"
                           "<vcpu>2</vcpu>"
                           "<os><type arch='x86_64'>hvm</type></os>"
                           "<devices>"
                           "<disk type='file' device='disk'>"
                           "<source file='/var/lib/images/%s.img'/>"
                           "<target dev='vda' bus='virtio'/>"
                           "</disk>"
                           "</devices></domain>",
                           name, uuidElem, memKiB, name);
}

/* A UUID that depends only on the name, so redefining a name updates the
 * same domain instead of clashing with it. */
static inline char *
tdNameUUID(const char *name)
{
    g_autofree char *md5 = g_compute_checksum_for_string(G_CHECKSUM_MD5, name, -1);

    return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", md5, md5 + 8, md5 + 12,
                           md5 + 16, md5 + 20);
}

static inline virDomainPtr
tdDefine(virConnectPtr conn, const char *name)
{
    g_autofree char *uuid = tdNameUUID(name);
    g_autofree char *xml = tdDomainXML(name, uuid, 1048576);
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    if (!dom)
        fail_msg("defining '%s' failed: %s", name, virGetLastErrorMessage());
    return dom;
}

/* The thread's last error has this code and its message contains substr
 * (when given). */
#define tdAssertError(code, substr) tdAssertErrorAt(code, substr, __FILE__, __LINE__)
static inline void
tdAssertErrorAt(int code, const char *substr, const char *file, int line)
{
    virErrorPtr err = virGetLastError();

    if (!err || err->code != code) {
        fail_msg("%s:%d: expected error code %d, got %d (%s)", file, line, code,
                 err ? err->code : 0, err && err->message ? err->message : "no error");
    }
    if (substr && (!err->message || !strstr(err->message, substr)))
        fail_msg("%s:%d: error message '%s' lacks '%s'", file, line,
                 err->message ? err->message : "", substr);
}

static inline int
tdState(virDomainPtr dom, int *reason)
{
    int state = -1, r = -1;

    assert_int_equal(virDomainGetState(dom, &state, &r, 0), 0);
    if (reason)
        *reason = r;
    return state;
}

static inline int
tdStrPtrCmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of the domains virConnectListAllDomains returns with flags,
 * sorted and comma separated, for one-line comparisons. */
static inline char *
tdListNames(virConnectPtr conn, unsigned int flags)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, flags);
    g_autofree const char **names = NULL;
    GString *out = g_string_new(NULL);

    assert_true(n >= 0);
    names = g_new0(const char *, n + 1);
    for (int i = 0; i < n; i++)
        names[i] = virDomainGetName(doms[i]);
    qsort(names, n, sizeof(*names), tdStrPtrCmp);
    for (int i = 0; i < n; i++)
        g_string_append_printf(out, "%s%s", i ? "," : "", names[i]);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return g_string_free(out, FALSE);
}

/* Lifecycle events seen by tdRecordLifecycle, as "event/detail name" lines. */
typedef struct {
    GString *log;
    int count;
} tdEventLog;

static inline int
tdRecordLifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    tdEventLog *log = opaque;

    g_string_append_printf(log->log, "%s %d/%d;", virDomainGetName(dom), event, detail);
    log->count++;
    return 0;
}

static inline void
tdTick(int timer, void *opaque)
{
}

/* Runs the default event loop a few rounds with a 0 ms timer armed, so
 * each round returns promptly after dispatching whatever is pending. */
static inline void
tdPumpEvents(void)
{
    int timer = virEventAddTimeout(0, tdTick, NULL, NULL);

    for (int i = 0; i < 5; i++)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
}

#endif
