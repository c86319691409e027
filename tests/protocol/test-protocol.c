/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote protocol's codecs and server table.
 *
 * Codecs are checked against byte counts and layouts observed on the wire
 * with libvirt (facts file, section 7); the table against api.def (every
 * 'rw' function's procedure is refused on read-only sockets); and a few
 * dispatchers are run for real against test:///default through a fake
 * client whose sendEvent records what would have gone out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "virtkit/virtkit.h"
#include "rpc-interfaces.h"
#include "virnet_protocol.h"
#include "remote_protocol.h"
#include "keepalive_protocol.h"
#include "remote-convert.h"

static const char *apiDefPath;

static unsigned int
encode(xdrproc_t filter, void *obj, char *buf, unsigned int size)
{
    XDR xdr;
    unsigned int len;

    xdrmem_create(&xdr, buf, size, XDR_ENCODE);
    assert_true(filter(&xdr, obj));
    len = xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    return len;
}

static void
decode(xdrproc_t filter, void *obj, char *buf, unsigned int size)
{
    XDR xdr;

    xdrmem_create(&xdr, buf, size, XDR_DECODE);
    assert_true(filter(&xdr, obj));
    xdr_destroy(&xdr);
}

static uint32_t
word(const char *buf, unsigned int off)
{
    uint32_t v;

    memcpy(&v, buf + off, 4);
    return g_ntohl(v);
}

static void
testHeaderOnlyPacket(void **state)
{
    virNetMessageHeader hdr = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
                                REMOTE_PROC_AUTH_LIST, VIR_NET_CALL, 0, VIR_NET_OK };
    char buf[64];
    unsigned int len;
    uint32_t total;

    (void)state;
    len = encode((xdrproc_t)xdr_virNetMessageHeader, &hdr, buf + 4, sizeof(buf) - 4);
    assert_int_equal(len, VK_RPC_HEADER_LEN);
    total = g_htonl(len + 4);
    memcpy(buf, &total, 4);
    assert_int_equal(word(buf, 0), 28);
    assert_int_equal(word(buf, 4), 0x20008086);
    assert_int_equal(word(buf, 8), 1);
    assert_int_equal(word(buf, 12), 66);
    assert_int_equal(word(buf, 16), 0);
    assert_int_equal(KEEPALIVE_PROGRAM, VK_KEEPALIVE_PROGRAM);
    assert_int_equal(KEEPALIVE_PROC_PONG, 2);
}

static void
testNodeInfoReply(void **state)
{
    remote_node_get_info_ret info, back;
    char buf[512];
    unsigned int len;

    (void)state;
    memset(&info, 0, sizeof(info));
    memset(&back, 0, sizeof(back));
    strcpy(info.model, "i686");
    info.memory = 3145728;
    info.cpus = 16;
    info.mhz = 1400;
    info.nodes = 2;
    info.sockets = 2;
    info.cores = 2;
    info.threads = 2;
    len = encode((xdrproc_t)xdr_remote_node_get_info_ret, &info, buf, sizeof(buf));
    /* char model[32] takes one word per character. */
    assert_int_equal(len, 160);
    assert_int_equal(word(buf, 0), 'i');
    assert_int_equal(word(buf, 4), '6');
    assert_int_equal(word(buf, 16), 0);
    assert_int_equal(word(buf, 128), 0);          /* memory, high word */
    assert_int_equal(word(buf, 132), 3145728);
    assert_int_equal(word(buf, 136), 16);
    decode((xdrproc_t)xdr_remote_node_get_info_ret, &back, buf, len);
    assert_string_equal(back.model, "i686");
    assert_int_equal(back.mhz, 1400);
}

static void
testErrorBody(void **state)
{
    char *msg = (char *)"Domain not found";
    remote_error err;
    virNetMessageError nerr;
    char buf[256], buf2[256];
    unsigned int len, len2;

    (void)state;
    memset(&err, 0, sizeof(err));
    err.code = VIR_ERR_NO_DOMAIN;
    err.domain = VIR_FROM_TEST;
    err.message = &msg;
    err.level = VIR_ERR_ERROR;
    err.str1 = &msg;
    err.int1 = -1;
    err.int2 = -1;
    len = encode((xdrproc_t)xdr_remote_error, &err, buf, sizeof(buf));
    assert_int_equal(len, 84);
    assert_int_equal(word(buf, 0), 42);
    assert_int_equal(word(buf, 4), 12);
    assert_int_equal(word(buf, 8), 1);            /* message present */
    assert_int_equal(word(buf, 12), 16);
    assert_int_equal(word(buf, 32), 2);           /* level */
    assert_int_equal(word(buf, 36), 0);           /* dom absent */
    assert_int_equal(word(buf, 80), 0);           /* net absent */

    memset(&nerr, 0, sizeof(nerr));
    nerr.code = err.code;
    nerr.domain = err.domain;
    nerr.message = &msg;
    nerr.level = err.level;
    nerr.str1 = &msg;
    nerr.int1 = -1;
    nerr.int2 = -1;
    len2 = encode((xdrproc_t)xdr_virNetMessageError, &nerr, buf2, sizeof(buf2));
    assert_int_equal(len2, len);
    assert_memory_equal(buf, buf2, len);
}

static void
testSecurityModelCountsNul(void **state)
{
    remote_node_get_security_model_ret ret;
    char model[] = "testSecurity";
    char buf[256];
    unsigned int len;

    (void)state;
    memset(&ret, 0, sizeof(ret));
    ret.model.model_val = model;
    ret.model.model_len = strlen(model) + 1;
    len = encode((xdrproc_t)xdr_remote_node_get_security_model_ret, &ret, buf, sizeof(buf));
    assert_int_equal(word(buf, 0), 13);
    assert_int_equal(word(buf, 4), 't');
    assert_int_equal(len, 4 + 13 * 4 + 4);
}

static void
testRoundTripListAndParams(void **state)
{
    remote_connect_list_all_domains_ret ret, back;
    remote_nonnull_domain doms[2];
    virTypedParameter params[3];
    remote_typed_param *wire = NULL;
    u_int nwire = 0;
    virTypedParameterPtr out = NULL;
    int nout = 0;
    char *buf = g_malloc(4096);
    unsigned int len;

    (void)state;
    memset(doms, 0, sizeof(doms));
    doms[0].name = (char *)"test";
    doms[0].id = 1;
    memset(doms[0].uuid, 0xab, 16);
    doms[1].name = (char *)"other";
    doms[1].id = -1;
    memset(&ret, 0, sizeof(ret));
    memset(&back, 0, sizeof(back));
    ret.domains.domains_val = doms;
    ret.domains.domains_len = 2;
    ret.ret = 2;
    len = encode((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret, buf, 4096);
    /* count, then {len "test" uuid id}, {len "other"+pad uuid id}, ret */
    assert_int_equal(len, 4 + (4 + 4 + 16 + 4) + (4 + 8 + 16 + 4) + 4);
    assert_int_equal(word(buf, 4 + 4 + 4 + 16 + 4 + 4 + 8 + 16), 0xffffffff);
    decode((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &back, buf, len);
    assert_int_equal(back.domains.domains_len, 2);
    assert_string_equal(back.domains.domains_val[1].name, "other");
    assert_int_equal(back.domains.domains_val[0].id, 1);
    assert_int_equal((unsigned char)back.domains.domains_val[0].uuid[15], 0xab);
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, (char *)&back);

    memset(params, 0, sizeof(params));
    strcpy(params[0].field, "hard_limit");
    params[0].type = VIR_TYPED_PARAM_ULLONG;
    params[0].value.ul = 1ULL << 40;
    strcpy(params[1].field, "name");
    params[1].type = VIR_TYPED_PARAM_STRING;
    params[1].value.s = (char *)"x";
    strcpy(params[2].field, "ratio");
    params[2].type = VIR_TYPED_PARAM_DOUBLE;
    params[2].value.d = 0.5;
    assert_int_equal(vkRemoteSerializeTypedParams(params, 3, 16, &wire, &nwire), 0);
    assert_int_equal(nwire, 3);
    assert_int_equal(vkRemoteDeserializeTypedParams(wire, nwire, 16, &out, &nout), 0);
    assert_int_equal(nout, 3);
    assert_true(out[0].value.ul == 1ULL << 40);
    assert_string_equal(out[1].value.s, "x");
    assert_true(out[2].value.d == 0.5);
    /* more than the protocol's limit is refused, not truncated */
    virTypedParamsFree(out, 3);
    assert_int_equal(vkRemoteDeserializeTypedParams(wire, nwire, 2, &out, &nout), -1);
    assert_null(out);
    vkRemoteTypedParamsFree(wire, nwire);
    g_free(buf);
}

/* ---- the table ---- */

static char *
procKey(const char *s)
{
    GString *k = g_string_new(NULL);

    for (; *s; s++) {
        if (*s != '_')
            g_string_append_c(k, g_ascii_toupper(*s));
    }
    return g_string_free(k, FALSE);
}

static void
testTableSortedUniqueAndFlags(void **state)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) rw = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t n = vkServerProcCount();
    size_t checked = 0;

    (void)state;
    assert_true(n > 40);
    for (size_t i = 1; i < n; i++)
        assert_true(vkServerProcAt(i - 1)->proc < vkServerProcAt(i)->proc);
    assert_null(vkServerProcAt(n));

    assert_true(g_file_get_contents(apiDefPath, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) w = g_strsplit_set(lines[i], " \t", -1);
        char *name = NULL;
        char *mode = NULL;
        for (size_t j = 0; w[j]; j++) {
            if (!*w[j])
                continue;
            if (!name)
                name = w[j];
            else if (!mode)
                mode = w[j];
        }
        if (name && mode && g_str_has_prefix(name, "vir") && g_str_equal(mode, "rw"))
            g_hash_table_add(rw, procKey(name + 3));
    }
    for (size_t i = 0; i < n; i++) {
        const vkServerProc *p = vkServerProcAt(i);
        g_autofree char *key = procKey(p->name);
        assert_non_null(p->func);
        assert_ptr_equal(vkServerProcLookup(p->proc), p);
        if (g_hash_table_contains(rw, key)) {
            if (!p->mutating)
                fail_msg("procedure %d %s is 'rw' in api.def but not mutating",
                         p->proc, p->name);
            checked++;
        }
    }
    assert_true(checked > 10);
    assert_true(vkServerProcLookup(REMOTE_PROC_DOMAIN_SUSPEND)->mutating);
    assert_true(vkServerProcLookup(REMOTE_PROC_DOMAIN_DEFINE_XML)->mutating);
    assert_true(vkServerProcLookup(REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS)->mutating);
    assert_false(vkServerProcLookup(REMOTE_PROC_DOMAIN_GET_XML_DESC)->mutating);
    assert_false(vkServerProcLookup(REMOTE_PROC_CONNECT_OPEN)->mutating);
    assert_false(vkServerProcLookup(REMOTE_PROC_CONNECT_OPEN)->needsConnection);
    assert_false(vkServerProcLookup(REMOTE_PROC_CONNECT_SUPPORTS_FEATURE)->needsConnection);
    assert_true(vkServerProcLookup(REMOTE_PROC_AUTH_LIST)->noAuth);
    assert_false(vkServerProcLookup(REMOTE_PROC_DOMAIN_GET_INFO)->noAuth);
    assert_null(vkServerProcLookup(8888));
    assert_null(vkServerProcLookup(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE));
}

/* ---- dispatch through a fake client ---- */

typedef struct {
    int proc;
    int callbackID;
    int event;
    char name[64];
    int count;
} sentEvent;

static sentEvent lastEvent;

static int
fakeSendEvent(vkServerClient *client, int proc, xdrproc_t filter, void *body)
{
    char buf[4096];
    unsigned int len;

    (void)client;
    len = encode(filter, body, buf, sizeof(buf));
    lastEvent.proc = proc;
    lastEvent.count++;
    if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) {
        remote_domain_event_callback_lifecycle_msg msg;
        memset(&msg, 0, sizeof(msg));
        decode((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &msg, buf, len);
        lastEvent.callbackID = msg.callbackID;
        lastEvent.event = msg.msg.event;
        g_strlcpy(lastEvent.name, msg.msg.dom.name, sizeof(lastEvent.name));
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, (char *)&msg);
    }
    return 0;
}

static int
call(vkServerClient *client, int proc, void *args, void *ret)
{
    const vkServerProc *p = vkServerProcLookup(proc);

    assert_non_null(p);
    if (ret)
        memset(ret, 0, p->retSize);
    return p->func(client, args, ret);
}

static void
openClient(vkServerClient *client, bool readonly)
{
    remote_connect_open_args oargs;
    remote_auth_list_ret auth;
    char *uri = (char *)"test:///default";

    memset(client, 0, sizeof(*client));
    client->readonly = readonly;
    client->sendEvent = fakeSendEvent;
    assert_int_equal(call(client, REMOTE_PROC_AUTH_LIST, NULL, &auth), 0);
    assert_int_equal(auth.types.types_len, 1);
    assert_int_equal(auth.types.types_val[0], REMOTE_AUTH_NONE);
    assert_true(client->authenticated);
    xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&auth);
    memset(&oargs, 0, sizeof(oargs));
    oargs.name = &uri;
    assert_int_equal(call(client, REMOTE_PROC_CONNECT_OPEN, &oargs, NULL), 0);
    assert_non_null(client->conn);
}

static gboolean
giveUp(gpointer data)
{
    *(bool *)data = true;
    return G_SOURCE_REMOVE;
}

static void
testDispatchAgainstTestDriver(void **state)
{
    vkServerClient client;
    remote_domain_lookup_by_name_args largs;
    remote_domain_lookup_by_name_ret lret;
    remote_domain_lookup_by_name_ret missing;
    remote_domain_get_info_args iargs;
    remote_domain_get_info_ret iret;
    remote_domain_suspend_args sargs;
    remote_connect_domain_event_callback_register_any_args eargs;
    remote_connect_domain_event_callback_register_any_ret eret;
    remote_connect_supports_feature_args fargs;
    remote_connect_supports_feature_ret fret;
    remote_connect_list_all_domains_args aargs;
    remote_connect_list_all_domains_ret aret;
    bool timedOut = false;
    guint guard;

    (void)state;
    assert_int_equal(virEventRegisterDefaultImpl(), 0);
    openClient(&client, false);

    fargs.feature = 14;
    assert_int_equal(call(&client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &fargs, &fret), 0);
    assert_int_equal(fret.supported, 1);
    fargs.feature = 8;
    assert_int_equal(call(&client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &fargs, &fret), 0);
    assert_int_equal(fret.supported, 0);

    largs.name = (char *)"test";
    assert_int_equal(call(&client, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &largs, &lret), 0);
    assert_string_equal(lret.dom.name, "test");
    assert_int_equal(lret.dom.id, 1);

    iargs.dom = lret.dom;
    assert_int_equal(call(&client, REMOTE_PROC_DOMAIN_GET_INFO, &iargs, &iret), 0);
    assert_int_equal(iret.state, VIR_DOMAIN_RUNNING);
    assert_true(iret.maxMem > 0);

    aargs.need_results = 1;
    aargs.flags = 0;
    assert_int_equal(call(&client, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &aargs, &aret), 0);
    assert_true(aret.ret >= 1);
    assert_int_equal(aret.domains.domains_len, aret.ret);
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, (char *)&aret);

    largs.name = (char *)"no-such-domain";
    assert_int_equal(call(&client, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &largs, &missing), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_NO_DOMAIN);

    memset(&eargs, 0, sizeof(eargs));
    eargs.eventID = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    client.nextCallbackID = 7;
    assert_int_equal(call(&client, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                          &eargs, &eret), 0);
    assert_int_equal(eret.callbackID, 7);
    assert_int_equal(client.nextCallbackID, 8);

    sargs.dom = iargs.dom;
    memset(&lastEvent, 0, sizeof(lastEvent));
    assert_int_equal(call(&client, REMOTE_PROC_DOMAIN_SUSPEND, &sargs, NULL), 0);
    guard = g_timeout_add_seconds(10, giveUp, &timedOut);
    while (lastEvent.count == 0 && !timedOut)
        virEventRunDefaultImpl();
    if (!timedOut)
        g_source_remove(guard);
    assert_int_equal(lastEvent.proc, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE);
    assert_int_equal(lastEvent.callbackID, 7);
    assert_int_equal(lastEvent.event, VIR_DOMAIN_EVENT_SUSPENDED);
    assert_string_equal(lastEvent.name, "test");
    assert_int_equal(call(&client, REMOTE_PROC_DOMAIN_RESUME, &sargs, NULL), 0);

    vkServerClientCleanup(&client);
    assert_null(client.conn);
    assert_null(client.dispatchPrivate);

    /* A read-only client's connection refuses mutating calls itself. */
    openClient(&client, true);
    assert_int_equal(call(&client, REMOTE_PROC_DOMAIN_SUSPEND, &sargs, NULL), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_DENIED);
    vkServerClientCleanup(&client);
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_name_ret, (char *)&lret);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testHeaderOnlyPacket),
        cmocka_unit_test(testNodeInfoReply),
        cmocka_unit_test(testErrorBody),
        cmocka_unit_test(testSecurityModelCountsNul),
        cmocka_unit_test(testRoundTripListAndParams),
        cmocka_unit_test(testTableSortedUniqueAndFlags),
        cmocka_unit_test(testDispatchAgainstTestDriver),
    };

    apiDefPath = argc > 1 ? argv[1] : "src/api/api.def";
    return cmocka_run_group_tests(tests, NULL, NULL);
}
