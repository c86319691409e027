/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the domain conf module: every parse error code, the
 * entity and size defences, memory units, UUID/MAC generation, device
 * attach/detach, metadata, format flags and schema validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "conf/domain-conf.h"
#include "conf/domain-conf-priv.h"
#include "conf/domain-name.h"
#include "util/error.h"
#include "util/uuid.h"

#define HEAD "<domain type='test'>\n  <name>t</name>\n  <memory>65536</memory>\n  <os><type>hvm</type></os>\n"

/* Parses xml, expects failure with code, and a message containing needle. */
/* The same with the error domain libvirt uses (-1: domain or XML). */
static void
expectParseErrorIn(const char *xml, int domain, int code, const char *needle)
{
    vkDomainDef *def;
    virErrorPtr err;

    vkErrorReset();
    def = vkDomainDefParseString(xml, NULL, 0);
    if (def) {
        vkDomainDefFree(def);
        fail_msg("parse unexpectedly succeeded: %.200s", xml);
    }
    err = vkErrorGetLast();
    assert_non_null(err);
    if (err->code != code)
        fail_msg("expected code %d, got %d (%s)", code, err->code, err->message);
    if (domain >= 0)
        assert_int_equal(err->domain, domain);
    else /* libvirt reports a few of these under VIR_FROM_XML */
        assert_true(err->domain == VIR_FROM_DOMAIN || err->domain == VIR_FROM_XML);
    if (needle && !strstr(err->message, needle))
        fail_msg("message '%s' lacks '%s'", err->message, needle);
}

static void
expectParseError(const char *xml, int code, const char *needle)
{
    expectParseErrorIn(xml, -1, code, needle);
}

static vkDomainDef *
parseOK(const char *xml)
{
    vkDomainDef *def = vkDomainDefParseString(xml, NULL, 0);

    if (!def) {
        virErrorPtr err = vkErrorGetLast();
        fail_msg("parse failed: %s", err ? err->message : "?");
    }
    return def;
}

static void
testNotWellFormed(void **s)
{
    /* not well formed: libvirt's code for it is XML_DETAIL */
    expectParseError("<domain type='test'>\n<name>x</name>\n<memory>1</mem>\n</domain>",
                     VIR_ERR_XML_DETAIL, "line 3");
    expectParseError("", VIR_ERR_XML_DETAIL, NULL);
    expectParseError("just text", VIR_ERR_XML_DETAIL, "line 1");
}

static void
testRootAndName(void **s)
{
    expectParseError("<network><name>x</name></network>", VIR_ERR_XML_ERROR, "<network>");
    expectParseError("<domain type='test'><memory>1024</memory></domain>",
                     VIR_ERR_NO_NAME, "missing name information");
    expectParseError("<domain><name>x</name><memory>1024</memory></domain>",
                     VIR_ERR_XML_ERROR, "type");
    expectParseError("<domain type='bogus'><name>x</name><memory>1024</memory></domain>",
                     VIR_ERR_CONFIG_UNSUPPORTED, "bogus");
    expectParseError("<domain type='test'><name>x</name><memory>1024</memory></domain>",
                     VIR_ERR_XML_ERROR, "os <type>");
    expectParseErrorIn("<domain type='test'><name>a/b</name><memory>1024</memory></domain>",
                       VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "name a/b cannot contain '/'");
    expectParseError("<domain type='test'><name>x</name></domain>",
                     VIR_ERR_XML_ERROR, "memory");
}

static void
testBadValues(void **s)
{
    expectParseError("<domain type='test'><name>t</name><memory>abc</memory></domain>",
                     VIR_ERR_XML_ERROR, "invalid memory value 'abc' in <memory>");
    /* unknown units and overflows come from libvirt's scaler, domain NONE */
    expectParseErrorIn("<domain type='test'><name>t</name><memory unit='XB'>1</memory></domain>",
                       VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix 'XB'");
    expectParseErrorIn("<domain type='test'><name>t</name><memory unit='EiB'>99</memory></domain>",
                       VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: 99EiB");
    expectParseError("<domain type='test'><name>t</name><memory>-5</memory></domain>",
                     VIR_ERR_XML_ERROR, "'-5'");
    expectParseError(HEAD "<on_reboot>explode</on_reboot></domain>",
                     VIR_ERR_XML_DETAIL, "'explode' in <on_reboot>");
    expectParseError(HEAD "<os><boot dev='usbstick'/></os></domain>",
                     VIR_ERR_XML_DETAIL, "usbstick");
    expectParseError(HEAD "<vcpu>0</vcpu></domain>", VIR_ERR_XML_DETAIL, "vcpu");
    expectParseErrorIn(HEAD "<vcpu current='5'>4</vcpu></domain>", VIR_FROM_DOMAIN,
                       VIR_ERR_CONFIG_UNSUPPORTED, "maximum vCPU count must not be less");
    expectParseError(HEAD "<vcpu current='0'>4</vcpu></domain>", VIR_ERR_XML_DETAIL, "current");
    expectParseError(HEAD "<uuid>not-a-uuid</uuid></domain>", VIR_ERR_INTERNAL_ERROR, "not-a-uuid");
    expectParseError(HEAD "<devices><interface type='user'><mac address='zz:00'/></interface>"
                     "</devices></domain>", VIR_ERR_XML_DETAIL, "zz:00");
    expectParseError(HEAD "<devices><interface type='user'><mac address='01:00:00:00:00:01'/>"
                     "</interface></devices></domain>", VIR_ERR_XML_DETAIL, "multicast");
    expectParseError(HEAD "<devices><disk type='file'><source file='/a'/></disk></devices></domain>",
                     VIR_ERR_NO_TARGET, "/a");
    expectParseError(HEAD "<devices><disk type='file'><target dev='vda'/></disk>"
                     "<disk type='file'><target dev='vda'/></disk></devices></domain>",
                     VIR_ERR_XML_ERROR, "vda");
    expectParseError(HEAD "<clock offset='mars'/></domain>", VIR_ERR_XML_DETAIL, "mars");
    expectParseError(HEAD "<devices><graphics type='vnc' port='70000'/></devices></domain>",
                     VIR_ERR_XML_DETAIL, "70000");
}

static void
testEntities(void **s)
{
    const char *laughs =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE domain [\n"
        " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "]>\n"
        "<domain type='test'><name>t</name><description>&g;</description>"
        "<memory>1024</memory></domain>";
    g_autofree char *dir = g_dir_make_tmp("vk-xxe-XXXXXX", NULL);
    g_autofree char *secret = g_build_filename(dir, "secret.txt", NULL);
    g_autofree char *dtd = g_build_filename(dir, "evil.dtd", NULL);
    g_autofree char *external = NULL, *param = NULL, *extDTD = NULL;
    const char *tail = "<memory>1024</memory><os><type>hvm</type></os></domain>";
    g_autoptr(vkDomainDef) def = NULL;
    GString *blow = g_string_new("<!DOCTYPE domain [<!ENTITY big \"");

    assert_non_null(dir);
    assert_true(g_file_set_contents(secret, "LEAKED", -1, NULL));
    assert_true(g_file_set_contents(dtd, "<!ENTITY leak \"LEAKED\">", -1, NULL));

    /* billion laughs: libxml2's amplification check stops it, as in
     * libvirt (not well formed: XML_DETAIL) */
    expectParseError(laughs, VIR_ERR_XML_DETAIL, "entity");

    /* quadratic blowup: one 8 KiB entity used 2000 times (16 MiB) */
    for (int i = 0; i < 8192; i++)
        g_string_append_c(blow, 'x');
    g_string_append(blow, "\">]><domain type='test'><name>q</name><description>");
    for (int i = 0; i < 2000; i++)
        g_string_append(blow, "&big;");
    g_string_append(blow, "</description>");
    g_string_append(blow, tail);
    expectParseError(blow->str, VIR_ERR_XML_DETAIL, "entity");
    g_string_free(blow, TRUE);

    /* internal entities expand, as libvirt expands them */
    def = parseOK("<!DOCTYPE domain [<!ENTITY nm 'entname'>]>"
                  "<domain type='test'><name>&nm;</name>"
                  "<memory>1024</memory><os><type>hvm</type></os></domain>");
    assert_string_equal(def->name, "entname");
    g_clear_pointer(&def, vkDomainDefFree);

    /* an external entity is never loaded: it expands to nothing */
    external = g_strdup_printf("<?xml version='1.0'?>\n"
                               "<!DOCTYPE domain [ <!ENTITY xxe SYSTEM \"file://%s\"> ]>\n"
                               "<domain type='test'><name>x&xxe;</name>%s", secret, tail);
    def = parseOK(external);
    assert_string_equal(def->name, "x");
    g_clear_pointer(&def, vkDomainDefFree);

    /* nor an external parameter entity, nor an external DTD */
    param = g_strdup_printf("<!DOCTYPE domain [ <!ENTITY %% pe SYSTEM \"file://%s\"> %%pe; ]>\n"
                            "<domain type='test'><name>p</name>%s", dtd, tail);
    def = parseOK(param);
    assert_string_equal(def->name, "p");
    g_clear_pointer(&def, vkDomainDefFree);
    extDTD = g_strdup_printf("<!DOCTYPE domain SYSTEM \"file://%s\">\n"
                             "<domain type='test'><name>d&leak;</name>%s", dtd, tail);
    vkErrorReset();
    def = vkDomainDefParseString(extDTD, NULL, 0);
    if (def)
        assert_string_equal(def->name, "d");
    else
        assert_null(strstr(vkErrorGetLast()->message, "LEAKED"));
    g_clear_pointer(&def, vkDomainDefFree);
    def = parseOK("<!DOCTYPE domain SYSTEM \"http://example.org/domain.dtd\">\n"
                  "<domain type='test'><name>t</name><memory>1024</memory>"
                  "<os><type>hvm</type></os></domain>");
    g_clear_pointer(&def, vkDomainDefFree);

    /* an undeclared entity is an error, never an empty string */
    expectParseError("<domain type='test'><name>&nope;</name><memory>1</memory></domain>",
                     VIR_ERR_XML_DETAIL, "nope");
    g_unlink(secret);
    g_unlink(dtd);
    g_rmdir(dir);
}

/* libxml2 2.9 is quadratic in the attributes of one element: 100,000 of
 * them kept a worker busy for minutes.  Such a document is refused before
 * libxml2 sees it; real elements are not affected. */
static void
testManyAttributes(void **s)
{
    GString *xml = g_string_new("<domain type='test'><name>t</name><memory");
    GString *ent = g_string_new("<!DOCTYPE domain [<!ENTITY e \"&#60;x");
    g_autoptr(vkDomainDef) def = NULL;

    for (int i = 0; i < 100000; i++)
        g_string_append_printf(xml, " a%d='x'", i);
    g_string_append(xml, ">1024</memory><os><type>hvm</type></os></domain>");
    expectParseError(xml->str, VIR_ERR_XML_ERROR, "more than 1024 attributes");

    /* the same spelled with character references inside an entity */
    for (int i = 0; i < 5000; i++)
        g_string_append_printf(ent, " a%d&#61;&#39;x&#39;", i);
    g_string_append(ent, "/&#62;\">]><domain type='test'><name>t</name>"
                    "<metadata>&e;</metadata><memory>1024</memory>"
                    "<os><type>hvm</type></os></domain>");
    expectParseError(ent->str, VIR_ERR_XML_ERROR, "more than 1024 attributes");

    /* 1000 attributes, and a text full of '=' and '&', still parse */
    g_string_assign(xml, "<domain type='test'><name>t</name><memory");
    for (int i = 0; i < 1000; i++)
        g_string_append_printf(xml, " a%d='x'", i);
    g_string_append(xml, ">1024</memory><description>");
    for (int i = 0; i < 3000; i++)
        g_string_append(xml, "a=b &amp; ");
    g_string_append(xml, "</description><os><type>hvm</type></os></domain>");
    def = parseOK(xml->str);
    assert_int_equal(def->maxMemory, 1024);
    g_string_free(xml, TRUE);
    g_string_free(ent, TRUE);
}

/* libvirt reads the first of a repeated singleton element */
static void
testFirstWins(void **s)
{
    g_autoptr(vkDomainDef) def =
        parseOK("<domain type='test'><name>first</name><name>second</name>"
                "<uuid>11111111-1111-1111-1111-111111111111</uuid>"
                "<uuid>22222222-2222-2222-2222-222222222222</uuid>"
                "<title>a</title><title>b</title>"
                "<memory>4096</memory><memory>2048</memory>"
                "<currentMemory>1024</currentMemory><currentMemory>2048</currentMemory>"
                "<vcpu>2</vcpu><vcpu>3</vcpu><os><type>hvm</type></os></domain>");
    char str[VIR_UUID_STRING_BUFLEN];

    assert_string_equal(def->name, "first");
    vkUUIDFormat(def->uuid, str);
    assert_string_equal(str, "11111111-1111-1111-1111-111111111111");
    assert_string_equal(def->title, "a");
    assert_int_equal(def->maxMemory, 4096);
    assert_int_equal(def->currentMemory, 1024);
    assert_int_equal(def->maxVcpus, 2);
    /* an empty first name is missing, whatever follows */
    expectParseError("<domain type='test'><name></name><name>b</name>"
                     "<memory>1024</memory></domain>", VIR_ERR_NO_NAME, NULL);
}

/* What libvirt 9.0 gives for sizes past its LLONG_MAX bytes cap */
static void
testMemoryOverflow(void **s)
{
    g_autoptr(vkDomainDef) def = NULL;

    expectParseErrorIn(HEAD "<currentMemory>18446744073709551615</currentMemory></domain>",
                       VIR_FROM_NONE, VIR_ERR_OVERFLOW,
                       "value too large: 18446744073709551615");
    expectParseErrorIn("<domain type='test'><name>m</name><memory>18446744073709551615</memory>"
                       "<os><type>hvm</type></os></domain>",
                       VIR_FROM_NONE, VIR_ERR_OVERFLOW, "18446744073709551615");
    expectParseErrorIn("<domain type='test'><name>m</name><memory unit='MiB'>8796093022208"
                       "</memory><os><type>hvm</type></os></domain>",
                       VIR_FROM_NONE, VIR_ERR_OVERFLOW, "8796093022208MiB");
    /* in bytes under the cap, but not once rounded up to KiB */
    expectParseErrorIn("<domain type='test'><name>m</name><memory unit='b'>9223372036854775807"
                       "</memory><os><type>hvm</type></os></domain>",
                       VIR_FROM_DOMAIN, VIR_ERR_OVERFLOW, "size value too large");
    /* past 64 bits it is not a number */
    expectParseErrorIn("<domain type='test'><name>m</name><memory>18446744073709551616</memory>"
                       "<os><type>hvm</type></os></domain>",
                       VIR_FROM_XML, VIR_ERR_XML_ERROR, "18446744073709551616");
    def = parseOK("<domain type='test'><name>m</name><memory>9007199254740991</memory>"
                  "<os><type>hvm</type></os></domain>");
    assert_int_equal(def->maxMemory, 9007199254740991ULL);
}

/* libvirt's name rules: only empty, '/' and a newline are refused */
static void
testNames(void **s)
{
    static const char *const good[] = { ".", "..", ".hidden", "-", "a b", "a\tb", "x..y" };

    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autofree char *xml = g_strdup_printf("<domain type='test'><name>%s</name>"
                                               "<memory>1024</memory>"
                                               "<os><type>hvm</type></os></domain>", good[i]);
        g_autoptr(vkDomainDef) def = parseOK(xml);

        assert_string_equal(def->name, good[i]);
    }
    expectParseErrorIn("<domain type='test'><name>a\nb</name><memory>1024</memory>"
                       "<os><type>hvm</type></os></domain>",
                       VIR_FROM_XML, VIR_ERR_XML_DETAIL, "invalid char in name");
    /* the shared check itself, as drivers use it for new names */
    vkErrorReset();
    assert_int_equal(vkDomainNameCheck(""), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_NO_NAME);
    assert_int_equal(vkDomainNameCheck("a/b"), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_ERROR);
    assert_int_equal(vkDomainNameCheck(".."), 0);
}

/* what drivers derive from names never leaves its directory */
static void
testNameDerived(void **s)
{
    g_autofree char *dot = vkDomainNameFile("/cfg", ".", ".xml");
    g_autofree char *dotdot = vkDomainNameFile("/cfg", "..", ".xml");
    g_autofree char *l1 = vkDomainNameCgroupLeaf(".", ".libvirt-lxc");
    g_autofree char *l2 = vkDomainNameCgroupLeaf("..", ".libvirt-lxc");
    g_autofree char *l3 = vkDomainNameCgroupLeaf("a\tb\\", ".libvirt-lxc");
    g_autofree char *l4 = vkDomainNameCgroupLeaf("a\\x09b\\x5c", ".libvirt-lxc");
    g_autofree char *ctl = vkDomainNameCgroupLeaf("cgroup.procs", ".libvirt-lxc");
    g_autofree char *longA = g_strnfill(400, 'a');
    g_autofree char *longB = g_strdup(longA);
    g_autofree char *la = NULL, *lb = NULL;

    assert_string_equal(dot, "/cfg/..xml");
    assert_string_equal(dotdot, "/cfg/...xml");
    assert_null(vkDomainNameFile("/cfg", "../x", ".xml"));
    assert_null(vkDomainNameFile("/cfg", "", ".xml"));
    assert_string_equal(l1, "..libvirt-lxc");
    assert_string_equal(l2, "...libvirt-lxc");
    assert_string_equal(l3, "a\\x09b\\x5c.libvirt-lxc");
    /* escaping the escape character keeps distinct names distinct */
    assert_string_not_equal(l3, l4);
    assert_string_equal(ctl, "cgroup.procs.libvirt-lxc");
    longB[399] = 'b';
    la = vkDomainNameCgroupLeaf(longA, ".libvirt-lxc");
    lb = vkDomainNameCgroupLeaf(longB, ".libvirt-lxc");
    assert_int_equal(strlen(la), 255);
    assert_string_not_equal(la, lb);
    assert_null(strchr(la, '/'));
    {
        g_autofree char *seg = vkDomainNameURISegment("..");
        g_autofree char *seg2 = vkDomainNameURISegment("a b/.x");

        assert_string_equal(seg, "%2E%2E");
        assert_string_equal(seg2, "a%20b%2F%2Ex");
    }
}

static void
testOversized(void **s)
{
    size_t len = VK_DOMAIN_XML_MAX + 16;
    g_autofree char *big = g_malloc(len + 1);
    const char *head = "<domain type='test'><name>t</name><memory>1</memory><description>";

    memset(big, 'x', len);
    memcpy(big, head, strlen(head));
    big[len] = '\0';
    expectParseError(big, VIR_ERR_XML_ERROR, "larger");
}

static void
testVirtType(void **s)
{
    const char *xml = "<domain type='kvm'><name>t</name><memory>1024</memory><os><type>hvm</type></os></domain>";
    vkDomainDef *def;
    virErrorPtr err;

    vkErrorReset();
    assert_null(vkDomainDefParseString(xml, "test", 0));
    err = vkErrorGetLast();
    assert_int_equal(err->code, VIR_ERR_CONFIG_UNSUPPORTED);
    assert_non_null(strstr(err->message, "kvm"));
    def = vkDomainDefParseString(xml, "qemu,kvm", 0);
    assert_non_null(def);
    assert_string_equal(def->virtType, "kvm");
    assert_string_equal(def->osType, "hvm");
    vkDomainDefFree(def);
}

static void
testUnits(void **s)
{
    static const struct {
        const char *num, *unit;
        unsigned long long kib;
    } ok[] = {
        { "1024", NULL, 1024 }, { "2048", "b", 2 }, { "2049", "bytes", 3 },
        { "1000", "KB", 977 }, { "7", "k", 7 }, { "7", "KiB", 7 },
        { "1", "MB", 977 }, { "3", "M", 3072 }, { "3", "MiB", 3072 },
        { "1", "GB", 976563 }, { "2", "G", 2097152 }, { "2", "GiB", 2097152 },
        { "1", "TB", 976562500 }, { "1", "T", 1073741824ULL },
        { "1", "TiB", 1073741824ULL }, { "0", "GiB", 0 },
    };
    unsigned long long v;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(ok); i++) {
        v = 12345;
        if (vkConfScaleToKiB(ok[i].num, ok[i].unit, &v) < 0)
            fail_msg("'%s' '%s' rejected", ok[i].num, ok[i].unit ? ok[i].unit : "");
        if (v != ok[i].kib)
            fail_msg("'%s' '%s' gave %llu, expected %llu", ok[i].num,
                     ok[i].unit ? ok[i].unit : "", v, ok[i].kib);
    }
    assert_int_equal(vkConfScaleToKiB("1", "parsecs", &v), VK_CONF_SCALE_BAD_UNIT);
    assert_int_equal(vkConfScaleToKiB("1.5", "GiB", &v), VK_CONF_SCALE_BAD_NUMBER);
    assert_int_equal(vkConfScaleToKiB("", NULL, &v), VK_CONF_SCALE_BAD_NUMBER);
    assert_int_equal(vkConfScaleToKiB("18446744073709551615", "KiB", &v),
                     VK_CONF_SCALE_OVERFLOW);
    /* more than 64 bits is not a number at all, for libvirt too */
    assert_int_equal(vkConfScaleToKiB("99999999999999999999999", NULL, &v),
                     VK_CONF_SCALE_BAD_NUMBER);
    /* libvirt's units ignore case; "B" alone after the power means 1000 */
    assert_int_equal(vkConfScaleToKiB("1000", "kb", &v), 0);
    assert_int_equal(v, 977);
    assert_int_equal(vkConfScaleToKiB("1", "gib", &v), 0);
    assert_int_equal(v, 1048576);
    /* the cap is LLONG_MAX bytes, whatever the unit */
    assert_int_equal(vkConfScaleToKiB("9007199254740991", NULL, &v), 0);
    assert_int_equal(vkConfScaleToKiB("9007199254740992", NULL, &v), VK_CONF_SCALE_OVERFLOW);
}

static void
testUUIDGenerated(void **s)
{
    const char *xml = "<domain type='test'><name>t</name><memory>1024</memory><os><type>hvm</type></os></domain>";
    g_autoptr(vkDomainDef) a = parseOK(xml);
    g_autoptr(vkDomainDef) b = parseOK(xml);
    g_autofree char *out = NULL;
    g_autoptr(vkDomainDef) c = NULL;
    char str[VIR_UUID_STRING_BUFLEN];

    assert_memory_not_equal(a->uuid, b->uuid, VIR_UUID_BUFLEN);
    assert_int_equal(a->uuid[6] >> 4, 4);           /* version 4 */
    assert_int_equal(a->uuid[8] & 0xc0, 0x80);      /* RFC 4122 variant */
    out = vkDomainDefFormat(a, 0);
    vkUUIDFormat(a->uuid, str);
    assert_non_null(strstr(out, str));
    c = parseOK(out);
    assert_memory_equal(a->uuid, c->uuid, VIR_UUID_BUFLEN);
}

static void
testMAC(void **s)
{
    g_autoptr(vkDomainDef) def =
        parseOK(HEAD "<devices><interface type='network'><source network='default'/>"
                "</interface><interface type='network'><source network='default'/>"
                "</interface></devices></domain>");
    GPtrArray *nets = def->priv->devs[VK_DOMAIN_DEVICE_NET];
    vkDomainNetDef *n0, *n1;
    unsigned char mac[6];
    char str[18];

    assert_non_null(nets);
    assert_int_equal(nets->len, 2);
    n0 = nets->pdata[0];
    n1 = nets->pdata[1];
    assert_true(n0->macGenerated);
    assert_int_equal(n0->mac[0], 0x52);
    assert_int_equal(n0->mac[1], 0x54);
    assert_int_equal(n0->mac[2], 0x00);
    assert_memory_not_equal(n0->mac, n1->mac, 6);

    assert_int_equal(vkConfMACParse("52:54:00:AB:cd:0f", mac), 0);
    vkConfMACFormat(mac, str);
    assert_string_equal(str, "52:54:00:ab:cd:0f");
    assert_int_equal(vkConfMACParse("52:54:00:ab:cd", mac), -1);
    assert_int_equal(vkConfMACParse("52:54:00:ab:cd:0f:11", mac), -1);
    assert_int_equal(vkConfMACParse("hello", mac), -1);
}

static void
testFormatFlags(void **s)
{
    g_autoptr(vkDomainDef) def =
        parseOK("<domain type='test' id='3'><name>t</name><memory>1024</memory><os><type>hvm</type></os>"
                "<devices><graphics type='vnc' port='5901' autoport='yes' passwd='hunter2'/>"
                "</devices></domain>");
    g_autofree char *plain = vkDomainDefFormat(def, 0);
    g_autofree char *secure = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE);
    g_autofree char *inactive = vkDomainDefFormat(def, VIR_DOMAIN_XML_INACTIVE);
    g_autoptr(vkDomainDef) inact = NULL;

    assert_int_equal(def->id, 3);
    assert_null(strstr(plain, "hunter2"));
    assert_non_null(strstr(secure, "passwd='hunter2'"));
    assert_true(g_str_has_prefix(plain, "<domain type='test' id='3'>\n"));
    assert_true(g_str_has_prefix(inactive, "<domain type='test'>\n"));
    assert_non_null(strstr(plain, "port='5901' autoport='yes'"));
    assert_non_null(strstr(inactive, "port='-1' autoport='yes'"));

    inact = vkDomainDefParseString(plain, NULL, VK_DOMAIN_PARSE_INACTIVE);
    assert_non_null(inact);
    assert_int_equal(inact->id, -1);
}

static void
testDefaults(void **s)
{
    g_autoptr(vkDomainDef) def =
        parseOK("<domain type='test'><name>t</name><memory unit='MiB'>64</memory><os><type>hvm</type></os>"
                "<currentMemory unit='GiB'>1</currentMemory></domain>");

    assert_int_equal(def->maxMemory, 65536);
    assert_int_equal(def->currentMemory, 65536);  /* clamped to <memory> */
    assert_int_equal(def->maxVcpus, 1);
    assert_int_equal(def->vcpus, 1);
    assert_string_equal(def->osType, "hvm");
    assert_int_equal(def->nbootDevs, 1);
    assert_int_equal(def->bootDevs[0], VK_DOMAIN_BOOT_DISK);
    assert_int_equal(def->onReboot, VIR_DOMAIN_LIFECYCLE_ACTION_RESTART);
    assert_int_equal(def->id, -1);
}

static void
testAttachDetach(void **s)
{
    g_autoptr(vkDomainDef) def =
        parseOK(HEAD "<devices><disk type='file'><source file='/a'/><target dev='vda'/></disk>"
                "<interface type='network'><mac address='52:54:00:00:00:01'/>"
                "<source network='default'/></interface></devices></domain>");
    const char *diskXML = "<disk type='file' device='disk'><source file='/b.img'/>"
                          "<target dev='vdb' bus='virtio'/></disk>";
    g_autoptr(vkDomainDeviceDef) dev = NULL;
    g_autofree char *out = NULL;
    virErrorPtr err;

    dev = vkDomainDeviceDefParseString(diskXML, def, 0);
    assert_non_null(dev);
    assert_int_equal(vkDomainDefAttachDevice(def, &dev), 0);
    assert_null(dev);
    assert_int_equal(vkDomainDefNumDevices(def, VK_DOMAIN_DEVICE_DISK), 2);
    out = vkDomainDefFormat(def, 0);
    assert_non_null(strstr(out, "<source file='/b.img'/>"));

    /* the same target again */
    dev = vkDomainDeviceDefParseString(diskXML, def, 0);
    vkErrorReset();
    assert_int_equal(vkDomainDefAttachDevice(def, &dev), -1);
    assert_non_null(dev);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_OPERATION_INVALID);
    assert_int_equal(vkDomainDefNumDevices(def, VK_DOMAIN_DEVICE_DISK), 2);

    /* detach by target only */
    g_clear_pointer(&dev, vkDomainDeviceDefFree);
    dev = vkDomainDeviceDefParseString("<disk><target dev='vdb'/></disk>", def, 0);
    assert_int_equal(vkDomainDefDetachDevice(def, dev), 0);
    assert_int_equal(vkDomainDefNumDevices(def, VK_DOMAIN_DEVICE_DISK), 1);
    vkErrorReset();
    assert_int_equal(vkDomainDefDetachDevice(def, dev), -1);
    err = vkErrorGetLast();
    assert_int_equal(err->code, VIR_ERR_DEVICE_MISSING);
    assert_non_null(strstr(err->message, "vdb"));

    /* interfaces: a duplicate MAC is refused, detach by MAC */
    g_clear_pointer(&dev, vkDomainDeviceDefFree);
    dev = vkDomainDeviceDefParseString("<interface type='bridge'><mac address='52:54:00:00:00:01'/>"
                                       "<source bridge='br0'/></interface>", def, 0);
    assert_int_equal(vkDomainDefAttachDevice(def, &dev), -1);
    g_clear_pointer(&dev, vkDomainDeviceDefFree);
    dev = vkDomainDeviceDefParseString("<interface type='bridge'><mac address='52:54:00:00:00:02'/>"
                                       "<source bridge='br0'/></interface>", def, 0);
    assert_int_equal(vkDomainDefAttachDevice(def, &dev), 0);
    assert_int_equal(vkDomainDefNumDevices(def, VK_DOMAIN_DEVICE_NET), 2);
    dev = vkDomainDeviceDefParseString("<interface type='network'><mac address='52:54:00:00:00:01'/>"
                                       "<source network='default'/></interface>", def, 0);
    assert_int_equal(vkDomainDefDetachDevice(def, dev), 0);
    g_clear_pointer(&dev, vkDomainDeviceDefFree);
    /* without a MAC: matched by type and source */
    dev = vkDomainDeviceDefParseString("<interface type='bridge'><source bridge='br0'/></interface>",
                                       def, 0);
    assert_int_equal(vkDomainDefDetachDevice(def, dev), 0);
    assert_int_equal(vkDomainDefNumDevices(def, VK_DOMAIN_DEVICE_NET), 0);
    g_clear_pointer(&dev, vkDomainDeviceDefFree);

    /* unknown device element */
    vkErrorReset();
    assert_null(vkDomainDeviceDefParseString("<toaster/>", def, 0));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_CONFIG_UNSUPPORTED);
    /* bad device XML */
    vkErrorReset();
    assert_null(vkDomainDeviceDefParseString("<disk><target dev='x'/>", def, 0));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_DETAIL);
}

static void
testMetadata(void **s)
{
    g_autoptr(vkDomainDef) def = parseOK(HEAD "</domain>");
    g_autofree char *out = NULL;
    g_autofree char *got = NULL;
    g_autoptr(vkDomainDef) again = NULL;
    char *str;

    vkErrorReset();
    assert_null(vkDomainDefGetMetadata(def, VIR_DOMAIN_METADATA_TITLE, NULL));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_NO_DOMAIN_METADATA);
    assert_null(vkDomainDefGetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT, "http://x/"));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_NO_DOMAIN_METADATA);

    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_TITLE, "Title", NULL, NULL), 0);
    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_DESCRIPTION,
                                            "two\nlines", NULL, NULL), 0);
    vkErrorReset();
    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_TITLE, "a\nb", NULL, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    str = vkDomainDefGetMetadata(def, VIR_DOMAIN_METADATA_TITLE, NULL);
    assert_string_equal(str, "Title");
    g_free(str);

    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT,
                                            "<foo>\n  <bar>1</bar>\n</foo>", "app",
                                            "http://example.org/app/"), 0);
    got = vkDomainDefGetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/app/");
    assert_non_null(got);
    /* out of its namespace, as libvirt answers */
    assert_string_equal(got, "<foo>\n  <bar>1</bar>\n</foo>");
    out = vkDomainDefFormat(def, 0);
    assert_non_null(strstr(out, "  <title>Title</title>\n  <description>two\nlines</description>\n"
                                "  <metadata>\n    <app:foo xmlns:app=\"http://example.org/app/\">\n"
                                "      <app:bar>1</app:bar>\n    </app:foo>\n  </metadata>\n"));
    /* it survives a round trip and can be replaced */
    again = parseOK(out);
    assert_int_equal(vkDomainDefSetMetadata(again, VIR_DOMAIN_METADATA_ELEMENT, "<v2/>", "app",
                                            "http://example.org/app/"), 0);
    str = vkDomainDefGetMetadata(again, VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/app/");
    assert_string_equal(str, "<v2/>");
    g_free(str);

    /* NULL removes */
    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL,
                                            "http://example.org/app/"), 0);
    vkErrorReset();
    assert_null(vkDomainDefGetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/app/"));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_NO_DOMAIN_METADATA);
    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_TITLE, NULL, NULL, NULL), 0);
    g_clear_pointer(&out, g_free);
    out = vkDomainDefFormat(def, 0);
    assert_null(strstr(out, "<metadata>"));
    assert_null(strstr(out, "<title>"));

    /* bad metadata XML and a missing key */
    vkErrorReset();
    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT, "<a>", "k",
                                            "http://k/"), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_DETAIL);
    assert_int_equal(vkDomainDefSetMetadata(def, VIR_DOMAIN_METADATA_ELEMENT, "<a/>", NULL,
                                            "http://k/"), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
}

static void
testCopy(void **s)
{
    g_autoptr(vkDomainDef) def =
        parseOK("<domain type='test' id='4'><name>c</name><memory>1024</memory><os><type>hvm</type></os>"
                "<devices><graphics type='vnc' passwd='pw'/></devices></domain>");
    g_autoptr(vkDomainDef) copy = vkDomainDefCopy(def);
    g_autofree char *a = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE);
    g_autofree char *b = NULL;

    assert_non_null(copy);
    assert_ptr_not_equal(copy, def);
    assert_int_equal(copy->id, 4);
    b = vkDomainDefFormat(copy, VIR_DOMAIN_XML_SECURE);
    assert_string_equal(a, b);
}

static void
testValidate(void **s)
{
    const char *good = "<domain type='test'><name>v</name><memory>1024</memory><os><type>hvm</type></os></domain>";
    const char *bad = "<domain type='test'><name>v</name><memory>1024</memory><os><type>hvm</type></os>"
                      "<frobnicate/></domain>";
    g_autoptr(vkDomainDef) def = NULL;
    int r;

    vkErrorReset();
    r = vkDomainXMLValidate(good);
    if (r == -2) {
        assert_int_equal(vkErrorGetLast()->code, VIR_ERR_NO_SUPPORT);
        skip();
    }
    assert_int_equal(r, 0);
    assert_int_equal(vkDomainXMLValidate(bad), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_INVALID_SCHEMA);
    /* without the flag the unknown element is ignored, with it refused */
    def = vkDomainDefParseString(bad, NULL, 0);
    assert_non_null(def);
    vkErrorReset();
    assert_null(vkDomainDefParseString(bad, NULL, VK_DOMAIN_PARSE_VALIDATE));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_INVALID_SCHEMA);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testNotWellFormed),
        cmocka_unit_test(testRootAndName),
        cmocka_unit_test(testBadValues),
        cmocka_unit_test(testEntities),
        cmocka_unit_test(testOversized),
        cmocka_unit_test(testVirtType),
        cmocka_unit_test(testUnits),
        cmocka_unit_test(testManyAttributes),
        cmocka_unit_test(testFirstWins),
        cmocka_unit_test(testMemoryOverflow),
        cmocka_unit_test(testNames),
        cmocka_unit_test(testNameDerived),
        cmocka_unit_test(testUUIDGenerated),
        cmocka_unit_test(testMAC),
        cmocka_unit_test(testFormatFlags),
        cmocka_unit_test(testDefaults),
        cmocka_unit_test(testAttachDetach),
        cmocka_unit_test(testMetadata),
        cmocka_unit_test(testCopy),
        cmocka_unit_test(testValidate),
    };

    return cmocka_run_group_tests_name("conf-domain", tests, NULL, NULL);
}
