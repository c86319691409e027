/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QMP events -> libvirt's domain events (vkQemuEventMap), and a finished
 * migration's query-migrate reply -> JOB_COMPLETED's typed parameters,
 * from QMP data as QEMU 7.2 sends it.  Events without a counterpart, and
 * events whose data lacks what the domain event needs, map to nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "drivers/qemu/qemu-events.h"

typedef struct {
    const char *name;
    const char *data;       /* JSON or NULL */
    bool maps;
    int eventID;
    const char *str;
    long long num, num2;
    unsigned int flags;
} Case;

static const Case cases[] = {
    { "DEVICE_TRAY_MOVED", "{\"device\": \"\", \"id\": \"ide0-1-0\", \"tray-open\": true}",
      true, VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, "ide0-1-0", VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN },
    { "DEVICE_TRAY_MOVED", "{\"device\": \"\", \"id\": \"sata0-0-1\", \"tray-open\": false}",
      true, VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, "sata0-0-1", VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE },
    { "DEVICE_TRAY_MOVED", "{\"device\": \"\", \"id\": \"\", \"tray-open\": true}", false },
    { "SUSPEND", NULL, true, VIR_DOMAIN_EVENT_ID_PMSUSPEND },
    { "SUSPEND_DISK", NULL, true, VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK },
    { "WAKEUP", NULL, true, VIR_DOMAIN_EVENT_ID_PMWAKEUP },
    { "BALLOON_CHANGE", "{\"actual\": 536870912}", true, VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE,
      NULL, 524288 },
    { "BALLOON_CHANGE", "{}", false },
    { "MIGRATION_PASS", "{\"pass\": 3}", true, VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
      NULL, 3 },
    { "DEVICE_UNPLUG_GUEST_ERROR",
      "{\"device\": \"hostdev0\", \"path\": \"/machine/peripheral/hostdev0\"}",
      true, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED, "hostdev0" },
    { "RTC_CHANGE", "{\"offset\": -3600, \"qom-path\": \"/machine/unattached/device[8]\"}",
      true, VIR_DOMAIN_EVENT_ID_RTC_CHANGE, NULL, -3600 },
    { "WATCHDOG", "{\"action\": \"reset\"}", true, VIR_DOMAIN_EVENT_ID_WATCHDOG, NULL,
      VIR_DOMAIN_EVENT_WATCHDOG_RESET },
    { "WATCHDOG", "{\"action\": \"inject-nmi\"}", true, VIR_DOMAIN_EVENT_ID_WATCHDOG, NULL,
      VIR_DOMAIN_EVENT_WATCHDOG_INJECTNMI },
    { "MEMORY_FAILURE", "{\"recipient\": \"guest\", \"action\": \"inject\", "
      "\"flags\": {\"action-required\": true, \"recursive\": false}}",
      true, VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE, NULL,
      VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_GUEST,
      VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_INJECT, VIR_DOMAIN_MEMORY_FAILURE_ACTION_REQUIRED },
    { "MEMORY_FAILURE", "{\"recipient\": \"nobody\", \"action\": \"inject\", \"flags\": {}}",
      false },
    /* lifecycle and job events are the driver's other business */
    { "STOP", NULL, false },
    { "BLOCK_JOB_COMPLETED", "{\"device\": \"x\"}", false },
};

static void
test_map(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const Case *c = &cases[i];
        g_autoptr(vkJSON) data = c->data ? vkJSONParse(c->data, strlen(c->data)) : NULL;
        vkQemuEvent e;

        print_message("%s %s\n", c->name, c->data ? c->data : "");
        assert_true(!c->data || data);
        assert_int_equal(vkQemuEventMap(c->name, data, &e), c->maps);
        if (!c->maps)
            continue;
        assert_int_equal(e.eventID, c->eventID);
        assert_string_equal(e.str ? e.str : "(none)", c->str ? c->str : "(none)");
        assert_int_equal(e.num, c->num);
        assert_int_equal(e.num2, c->num2);
        assert_int_equal(e.flags, c->flags);
    }
}

static void
test_job_completed(void **state)
{
    static const char reply[] =
        "{\"status\": \"completed\", \"total-time\": 812, \"downtime\": 35, "
        "\"setup-time\": 4, "
        "\"ram\": {\"total\": 136912896, \"transferred\": 2097152, \"remaining\": 0, "
        "\"mbps\": 80.5, \"duplicate\": 33000, \"normal\": 24, \"normal-bytes\": 98304, "
        "\"dirty-pages-rate\": 0, \"dirty-sync-count\": 3, \"postcopy-requests\": 0, "
        "\"page-size\": 4096, \"skipped\": 0}}";
    g_autoptr(vkJSON) ret = vkJSONParse(reply, strlen(reply));
    virTypedParameterPtr p = NULL;
    int n = 0;
    int op = -1;
    unsigned long long v = 0;
    static const struct { const char *field; unsigned long long value; } figures[] = {
        { VIR_DOMAIN_JOB_TIME_ELAPSED, 812 },
        { VIR_DOMAIN_JOB_DOWNTIME, 35 },
        { VIR_DOMAIN_JOB_SETUP_TIME, 4 },
        { VIR_DOMAIN_JOB_DATA_TOTAL, 136912896 },
        { VIR_DOMAIN_JOB_MEMORY_PROCESSED, 2097152 },
        { VIR_DOMAIN_JOB_MEMORY_REMAINING, 0 },
        { VIR_DOMAIN_JOB_MEMORY_BPS, 10062500 },        /* 80.5 Mbit/s in bytes */
        { VIR_DOMAIN_JOB_MEMORY_CONSTANT, 33000 },
        { VIR_DOMAIN_JOB_MEMORY_ITERATION, 3 },
        { VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, 4096 },
    };

    (void)state;
    assert_non_null(ret);
    assert_int_equal(vkQemuJobCompletedParams(ret, VIR_DOMAIN_JOB_OPERATION_SAVE, &p, &n), 0);
    assert_int_equal(virTypedParamsGetInt(p, n, VIR_DOMAIN_JOB_OPERATION, &op), 1);
    assert_int_equal(op, VIR_DOMAIN_JOB_OPERATION_SAVE);
    for (size_t i = 0; i < G_N_ELEMENTS(figures); i++) {
        print_message("%s\n", figures[i].field);
        assert_int_equal(virTypedParamsGetULLong(p, n, figures[i].field, &v), 1);
        assert_int_equal(v, figures[i].value);
    }
    /* the operation, then each of the 17 figures QEMU gave, once */
    assert_int_equal(n, 18);
    virTypedParamsFree(p, n);

    /* what QEMU did not give (no downtime: the guest never stopped) is
     * not made up */
    {
        static const char live[] = "{\"status\": \"completed\", \"total-time\": 5, "
                                   "\"ram\": {\"total\": 1, \"transferred\": 1, "
                                   "\"remaining\": 0, \"mbps\": 0}}";
        g_autoptr(vkJSON) r2 = vkJSONParse(live, strlen(live));

        assert_int_equal(vkQemuJobCompletedParams(r2, VIR_DOMAIN_JOB_OPERATION_DUMP, &p, &n),
                         0);
        assert_int_equal(virTypedParamsGetULLong(p, n, VIR_DOMAIN_JOB_DOWNTIME, &v), 0);
        assert_int_equal(virTypedParamsGetULLong(p, n, VIR_DOMAIN_JOB_SETUP_TIME, &v), 0);
        assert_int_equal(virTypedParamsGetInt(p, n, VIR_DOMAIN_JOB_OPERATION, &op), 1);
        assert_int_equal(op, VIR_DOMAIN_JOB_OPERATION_DUMP);
        virTypedParamsFree(p, n);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_job_completed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
