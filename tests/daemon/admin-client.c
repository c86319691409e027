/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small virt-admin over virtkit's admin API, so test-daemon-admin.py
 * can run the same calls against virtkitd and a libvirtd and compare:
 *   admin-client URI servers | threadpool SRV | limits SRV | clients SRV
 *                    | client-info SRV ID | disconnect SRV ID
 *                    | max-workers SRV N | outputs [DEF] | filters [DEF]
 * Typed parameters print as "name=value" lines; a failure prints
 * "error: CODE DOMAIN MESSAGE" and exits 1.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtkit/virtkit.h"
#include "virtkit/virtkit-admin.h"

static int
fail(void)
{
    virErrorPtr err = virGetLastError();

    printf("error: %d %d %s\n", err ? err->code : -1, err ? err->domain : -1,
           err && err->message ? err->message : "(no error set)");
    return 1;
}

static void
printParams(virTypedParameterPtr params, int n)
{
    for (int i = 0; i < n; i++) {
        virTypedParameterPtr p = &params[i];
        switch (p->type) {
        case VIR_TYPED_PARAM_INT: printf("%s=%d\n", p->field, p->value.i); break;
        case VIR_TYPED_PARAM_UINT: printf("%s=%u\n", p->field, p->value.ui); break;
        case VIR_TYPED_PARAM_BOOLEAN: printf("%s=%s\n", p->field, p->value.b ? "yes" : "no");
            break;
        case VIR_TYPED_PARAM_STRING: printf("%s=%s\n", p->field, p->value.s); break;
        default: printf("%s=(type %d)\n", p->field, p->type); break;
        }
    }
}

static int
run(virAdmConnectPtr conn, int argc, char **argv)
{
    const char *cmd = argv[0];
    virAdmServerPtr srv = NULL;
    virAdmClientPtr client = NULL;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int rc = 0;

    if (argc >= 2 && strcmp(cmd, "outputs") && strcmp(cmd, "filters") &&
        !(srv = virAdmConnectLookupServer(conn, argv[1], 0)))
        return fail();
    if (argc >= 3 && srv && strcmp(cmd, "max-workers") &&
        !(client = virAdmServerLookupClient(srv, strtoull(argv[2], NULL, 10), 0))) {
        virAdmServerFree(srv);
        return fail();
    }
    if (!strcmp(cmd, "servers")) {
        virAdmServerPtr *list = NULL;
        int n = virAdmConnectListServers(conn, &list, 0);
        if (n < 0)
            return fail();
        for (int i = 0; i < n; i++) {
            printf("%s\n", virAdmServerGetName(list[i]));
            virAdmServerFree(list[i]);
        }
        free(list);
    } else if (!strcmp(cmd, "threadpool") || !strcmp(cmd, "limits")) {
        if ((cmd[0] == 't' ? virAdmServerGetThreadPoolParameters(srv, &params, &nparams, 0)
                           : virAdmServerGetClientLimits(srv, &params, &nparams, 0)) < 0)
            rc = fail();
        else
            printParams(params, nparams);
    } else if (!strcmp(cmd, "clients")) {
        virAdmClientPtr *list = NULL;
        int n = virAdmServerListClients(srv, &list, 0);
        if (n < 0)
            rc = fail();
        for (int i = 0; i < n; i++) {
            printf("%llu %d %lld\n", virAdmClientGetID(list[i]),
                   virAdmClientGetTransport(list[i]), virAdmClientGetTimestamp(list[i]));
            virAdmClientFree(list[i]);
        }
        free(list);
    } else if (!strcmp(cmd, "client-info")) {
        if (virAdmClientGetInfo(client, &params, &nparams, 0) < 0)
            rc = fail();
        else
            printParams(params, nparams);
    } else if (!strcmp(cmd, "disconnect")) {
        rc = virAdmClientClose(client, 0) < 0 ? fail() : 0;
    } else if (!strcmp(cmd, "max-workers") && argc == 3) {
        virTypedParameter p = { .type = VIR_TYPED_PARAM_UINT };
        strcpy(p.field, VIR_THREADPOOL_WORKERS_MAX);
        p.value.ui = strtoul(argv[2], NULL, 10);
        rc = virAdmServerSetThreadPoolParameters(srv, &p, 1, 0) < 0 ? fail() : 0;
    } else if (!strcmp(cmd, "outputs") || !strcmp(cmd, "filters")) {
        bool out = cmd[0] == 'o';
        char *text = NULL;
        if (argc == 2)
            rc = (out ? virAdmConnectSetLoggingOutputs(conn, argv[1], 0)
                      : virAdmConnectSetLoggingFilters(conn, argv[1], 0)) < 0 ? fail() : 0;
        else if ((out ? virAdmConnectGetLoggingOutputs(conn, &text, 0)
                      : virAdmConnectGetLoggingFilters(conn, &text, 0)) < 0)
            rc = fail();
        else
            printf("%s\n", text ? text : "");
        free(text);
    } else {
        fprintf(stderr, "unknown command %s\n", cmd);
        rc = 2;
    }
    virTypedParamsFree(params, nparams);
    virAdmClientFree(client);
    virAdmServerFree(srv);
    return rc;
}

int
main(int argc, char **argv)
{
    virAdmConnectPtr conn;
    unsigned long long ver = 0;
    int rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s URI COMMAND [ARGS]\n", argv[0]);
        return 2;
    }
    if (!(conn = virAdmConnectOpen(argv[1], 0)))
        return fail();
    if (virAdmConnectGetLibVersion(conn, &ver) < 0 || ver != LIBVIR_VERSION_NUMBER) {
        printf("daemon version %llu\n", ver);
        virAdmConnectClose(conn);
        return 1;
    }
    rc = run(conn, argc - 2, argv + 2);
    if (virAdmConnectClose(conn) != 0)
        rc = 1;
    return rc;
}
