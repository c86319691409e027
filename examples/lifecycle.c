/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A domain's life, written against libvirt's C API and nothing else.
 *
 * The same source builds against libvirt and against virtkit: only the
 * include path and the library change.
 *
 *   cc lifecycle.c $(pkg-config --cflags --libs libvirt)          # libvirt
 *   cc lifecycle.c -I<virtkit>/include $(pkg-config --libs virtkit) # virtkit
 *
 * Every line it prints is a fact of the API (states, ids, error codes), not
 * a message text, so the two builds print the same thing.  Any result that
 * differs from what the API documents makes it exit with status 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define NAME "lifecycle-demo"
#define UUID "1f1f3c6e-8a52-4d0a-9c1e-5b0d4a3f2e10"

static const char *domain_xml =
    "<domain type='test'>"
    "  <name>" NAME "</name>"
    "  <uuid>" UUID "</uuid>"
    "  <memory unit='KiB'>262144</memory>"
    "  <currentMemory unit='KiB'>131072</currentMemory>"
    "  <vcpu>2</vcpu>"
    "  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>"
    "</domain>";

static int failures;

#define CHECK(cond, what)                                       \
    do {                                                        \
        if (!(cond)) {                                          \
            fprintf(stderr, "FAILED: %s (line %d): %s\n", what, \
                    __LINE__, virGetLastErrorMessage());        \
            failures++;                                         \
        }                                                       \
    } while (0)

/* Errors are checked through virGetLastError; the default handler would
 * print them to stderr as well, which is noise here. */
static void quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

/* code2 is a second acceptable code, where libvirt's choice is arguable
 * (the comparison with libvirt's own run is strict anyway). */
static void expect_error(const char *what, int code, int code2)
{
    virErrorPtr err = virGetLastError();

    if (!err) {
        printf("%s: no error\n", what);
        failures++;
        return;
    }
    printf("%s: error code %d domain %d level %d\n", what, err->code, err->domain, err->level);
    CHECK(err->code == code || err->code == code2, what);
    CHECK(err->message && *err->message, "error message is set");
}

static const char *state_name(int state)
{
    static const char *names[] = {"nostate", "running", "blocked", "paused",
                                  "shutdown", "shutoff", "crashed", "pmsuspended"};

    return state >= 0 && state < 8 ? names[state] : "?";
}

static void print_info(virDomainPtr dom, const char *when, int want_state)
{
    virDomainInfo info;
    int state = -1, reason = -1;

    CHECK(virDomainGetInfo(dom, &info) == 0, "virDomainGetInfo");
    CHECK(virDomainGetState(dom, &state, &reason, 0) == 0, "virDomainGetState");
    printf("%s: state %s maxMem %lu memory %lu vcpus %u active %d persistent %d\n",
           when, state_name(info.state), info.maxMem, info.memory,
           (unsigned)info.nrVirtCpu, virDomainIsActive(dom),
           virDomainIsPersistent(dom));
    CHECK(info.state == want_state, "state from virDomainGetInfo");
    CHECK(state == want_state, "state from virDomainGetState");
}

/* Bad definitions: each must be refused with an error set.  Which code
 * each one gets is an API fact too; the comparison with libvirt checks it. */
static void refusals(virConnectPtr conn)
{
#define OS "<os><type>hvm</type></os>"
    static const struct {
        const char *what, *xml;
    } bad[] = {
        {"empty document", ""},
        {"not a domain", "<network><name>n</name></network>"},
        {"no name", "<domain type='test'><memory>1024</memory>" OS "</domain>"},
        {"name taken", "<domain type='test'><name>test</name><uuid>" UUID "</uuid>"
                       "<memory>1024</memory>" OS "</domain>"},
        {"no memory", "<domain type='test'><name>m</name>" OS "</domain>"},
        {"no os type", "<domain type='test'><name>m</name><memory>1024</memory></domain>"},
        {"bad memory", "<domain type='test'><name>m</name><memory>lots</memory>" OS "</domain>"},
        {"bad uuid", "<domain type='test'><name>m</name><uuid>zzz</uuid>"
                     "<memory>1024</memory>" OS "</domain>"},
        {"bad type", "<domain type='bogus'><name>m</name><memory>1024</memory>" OS "</domain>"},
    };
#undef OS

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        virDomainPtr dom = virDomainDefineXML(conn, bad[i].xml);
        virErrorPtr err = virGetLastError();

        printf("refused %s: %s, error code %d domain %d\n", bad[i].what,
               dom ? "no" : "yes", err ? err->code : 0, err ? err->domain : 0);
        CHECK(dom == NULL && err != NULL, bad[i].what);
        if (dom) {
            virDomainUndefine(dom);
            virDomainFree(dom);
        }
    }

    CHECK(virDomainGetInfo(NULL, NULL) < 0, "NULL domain is refused");
    expect_error("NULL domain", VIR_ERR_INVALID_DOMAIN, VIR_ERR_INVALID_DOMAIN);
    CHECK(virDomainLookupByName(conn, NULL) == NULL, "NULL name is refused");
    expect_error("NULL name", VIR_ERR_INVALID_ARG, VIR_ERR_INVALID_ARG);
}

static int count_domains(virConnectPtr conn, unsigned int flags)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, flags);

    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return n;
}

int main(void)
{
    virConnectPtr conn;
    virDomainPtr dom, again;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *xml;

    virSetErrorFunc(NULL, quiet);

    conn = virConnectOpen("test:///default");
    if (!conn) {
        fprintf(stderr, "cannot open test:///default: %s\n", virGetLastErrorMessage());
        return 1;
    }
    printf("connected: type %s, %d domain(s), %d defined\n",
           virConnectGetType(conn), virConnectNumOfDomains(conn),
           virConnectNumOfDefinedDomains(conn));

    dom = virDomainDefineXML(conn, domain_xml);
    CHECK(dom != NULL, "virDomainDefineXML");
    if (!dom)
        return 1;
    CHECK(virDomainGetUUIDString(dom, uuid) == 0, "virDomainGetUUIDString");
    printf("defined: name %s uuid %s id %d\n", virDomainGetName(dom), uuid,
           (int)virDomainGetID(dom));
    CHECK(strcmp(uuid, UUID) == 0, "UUID kept");
    CHECK(virDomainGetID(dom) == (unsigned int)-1, "inactive domain has no id");
    print_info(dom, "defined", VIR_DOMAIN_SHUTOFF);
    printf("listed: all %d active %d inactive %d\n", count_domains(conn, 0),
           count_domains(conn, VIR_CONNECT_LIST_DOMAINS_ACTIVE),
           count_domains(conn, VIR_CONNECT_LIST_DOMAINS_INACTIVE));

    CHECK(virDomainCreate(dom) == 0, "virDomainCreate");
    printf("started: id %d\n", (int)virDomainGetID(dom));
    CHECK(virDomainGetID(dom) != (unsigned int)-1, "running domain has an id");
    print_info(dom, "started", VIR_DOMAIN_RUNNING);

    xml = virDomainGetXMLDesc(dom, 0);
    CHECK(xml != NULL, "virDomainGetXMLDesc");
    if (xml) {
        char *end = strchr(xml, '>');

        printf("xml: %.*s\n", end ? (int)(end - xml + 1) : 0, xml);
        printf("xml: has name %d, uuid %d, memory %d, vcpu %d\n",
               strstr(xml, "<name>" NAME "</name>") != NULL,
               strstr(xml, "<uuid>" UUID "</uuid>") != NULL,
               strstr(xml, "<memory unit='KiB'>262144</memory>") != NULL,
               strstr(xml, ">2</vcpu>") != NULL);
        CHECK(strstr(xml, "<name>" NAME "</name>") != NULL, "name in XML");
        free(xml);
    }

    CHECK(virDomainSuspend(dom) == 0, "virDomainSuspend");
    print_info(dom, "suspended", VIR_DOMAIN_PAUSED);
    CHECK(virDomainResume(dom) == 0, "virDomainResume");
    print_info(dom, "resumed", VIR_DOMAIN_RUNNING);

    CHECK(virDomainCreate(dom) < 0, "starting a running domain fails");
    expect_error("start again", VIR_ERR_OPERATION_INVALID, VIR_ERR_INTERNAL_ERROR);

    again = virDomainLookupByName(conn, NAME);
    CHECK(again != NULL, "virDomainLookupByName");
    if (again) {
        printf("lookup: same id %d\n", virDomainGetID(again) == virDomainGetID(dom));
        virDomainFree(again);
    }

    CHECK(virDomainDestroy(dom) == 0, "virDomainDestroy");
    print_info(dom, "destroyed", VIR_DOMAIN_SHUTOFF);
    CHECK(virDomainUndefine(dom) == 0, "virDomainUndefine");
    virDomainFree(dom);

    CHECK(virDomainLookupByName(conn, NAME) == NULL, "undefined domain is gone");
    expect_error("lookup after undefine", VIR_ERR_NO_DOMAIN, VIR_ERR_NO_DOMAIN);
    CHECK(virDomainLookupByUUIDString(conn, UUID) == NULL, "gone by uuid too");
    expect_error("lookup by uuid after undefine", VIR_ERR_NO_DOMAIN, VIR_ERR_NO_DOMAIN);
    CHECK(virDomainDefineXML(conn, "<domain type='test'><name>broken") == NULL,
          "malformed XML is refused");
    expect_error("malformed xml", VIR_ERR_XML_ERROR, VIR_ERR_XML_DETAIL);
    refusals(conn);
    CHECK(virDomainLookupByID(conn, 4242) == NULL, "unknown id");
    expect_error("unknown id", VIR_ERR_NO_DOMAIN, VIR_ERR_NO_DOMAIN);

    virResetLastError();
    CHECK(virGetLastError() == NULL, "virResetLastError clears the error");
    printf("finished: %d domain(s), %d defined\n", virConnectNumOfDomains(conn),
           virConnectNumOfDefinedDomains(conn));
    CHECK(virConnectClose(conn) == 0, "virConnectClose");

    if (failures)
        fprintf(stderr, "%d unexpected result(s)\n", failures);
    return failures ? 1 : 0;
}
