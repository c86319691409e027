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

#include "conf/domain-conf.h"
#include "conf/domain-conf-priv.h"
#include "util/error.h"
#include "util/uuid.h"

#define HEAD "<domain type='test'>\n  <name>t</name>\n  <memory>65536</memory>\n  <os><type>hvm</type></os>\n"

/* Parses xml, expects failure with code, and a message containing needle. */
static void
expectParseError(const char *xml, int code, const char *needle)
{
    vkDomainDef *def;
    virErrorPtr err;

    vkErrorReset();
    def = vkDomainDefParseString(xml, NULL, 0);
    if (def) {
        vkDomainDefFree(def);
        fail_msg("parse unexpectedly succeeded: %s", xml);
    }
    err = vkErrorGetLast();
    assert_non_null(err);
    if (err->code != code)
        fail_msg("expected code %d, got %d (%s)", code, err->code, err->message);
    /* libvirt reports a few of these under VIR_FROM_XML */
    assert_true(err->domain == VIR_FROM_DOMAIN || err->domain == VIR_FROM_XML);
    if (needle && !strstr(err->message, needle))
        fail_msg("message '%s' lacks '%s'", err->message, needle);
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
                     VIR_ERR_NO_NAME, "missing domain name");
    expectParseError("<domain><name>x</name><memory>1024</memory></domain>",
                     VIR_ERR_XML_ERROR, "type");
    expectParseError("<domain type='bogus'><name>x</name><memory>1024</memory></domain>",
                     VIR_ERR_CONFIG_UNSUPPORTED, "bogus");
    expectParseError("<domain type='test'><name>x</name><memory>1024</memory></domain>",
                     VIR_ERR_XML_ERROR, "os <type>");
    expectParseError("<domain type='test'><name>a/b</name><memory>1024</memory></domain>",
                     VIR_ERR_XML_DETAIL, "a/b");
    expectParseError("<domain type='test'><name>x</name></domain>",
                     VIR_ERR_XML_ERROR, "memory");
}

static void
testBadValues(void **s)
{
    expectParseError("<domain type='test'><name>t</name><memory>abc</memory></domain>",
                     VIR_ERR_XML_ERROR, "invalid memory value 'abc' in <memory>");
    expectParseError("<domain type='test'><name>t</name><memory unit='XB'>1</memory></domain>",
                     VIR_ERR_XML_DETAIL, "invalid unit 'XB' in <memory>");
    expectParseError("<domain type='test'><name>t</name><memory unit='EiB'>99</memory></domain>",
                     VIR_ERR_XML_ERROR, "'99'");
    expectParseError("<domain type='test'><name>t</name><memory>-5</memory></domain>",
                     VIR_ERR_XML_ERROR, "'-5'");
    expectParseError(HEAD "<on_reboot>explode</on_reboot></domain>",
                     VIR_ERR_XML_DETAIL, "'explode' in <on_reboot>");
    expectParseError(HEAD "<os><boot dev='usbstick'/></os></domain>",
                     VIR_ERR_XML_DETAIL, "usbstick");
    expectParseError(HEAD "<vcpu>0</vcpu></domain>", VIR_ERR_XML_DETAIL, "vcpu");
    expectParseError(HEAD "<vcpu current='5'>4</vcpu></domain>", VIR_ERR_XML_DETAIL, "current");
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
    const char *external =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE domain [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
        "<domain type='test'><name>&xxe;</name><memory>1024</memory></domain>";
    const char *doctypeOnly =
        "<!DOCTYPE domain SYSTEM \"http://example.org/domain.dtd\">\n"
        "<domain type='test'><name>t</name><memory>1024</memory><os><type>hvm</type></os></domain>";
    virErrorPtr err;

    expectParseError(laughs, VIR_ERR_XML_ERROR, "line 2");
    expectParseError(external, VIR_ERR_XML_ERROR, "DOCTYPE");
    err = vkErrorGetLast();
    assert_null(strstr(err->message, "root:"));
    expectParseError(doctypeOnly, VIR_ERR_XML_ERROR, "DOCTYPE");
    /* an undeclared entity is an error, never an empty string */
    expectParseError("<domain type='test'><name>&nope;</name><memory>1</memory></domain>",
                     VIR_ERR_XML_DETAIL, "nope");
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
    assert_int_equal(vkConfScaleToKiB("1", "parsecs", &v), -1);
    assert_int_equal(vkConfScaleToKiB("1.5", "GiB", &v), -1);
    assert_int_equal(vkConfScaleToKiB("", NULL, &v), -1);
    assert_int_equal(vkConfScaleToKiB("18446744073709551615", "KiB", &v), -1);
    assert_int_equal(vkConfScaleToKiB("99999999999999999999999", NULL, &v), -1);
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
    assert_string_equal(got, "<app:foo xmlns:app=\"http://example.org/app/\">\n"
                             "  <bar>1</bar>\n</app:foo>");
    out = vkDomainDefFormat(def, 0);
    assert_non_null(strstr(out, "  <title>Title</title>\n  <description>two\nlines</description>\n"
                                "  <metadata>\n    <app:foo xmlns:app=\"http://example.org/app/\">\n"
                                "      <bar>1</bar>\n    </app:foo>\n  </metadata>\n"));
    /* it survives a round trip and can be replaced */
    again = parseOK(out);
    assert_int_equal(vkDomainDefSetMetadata(again, VIR_DOMAIN_METADATA_ELEMENT, "<v2/>", "app",
                                            "http://example.org/app/"), 0);
    str = vkDomainDefGetMetadata(again, VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/app/");
    assert_string_equal(str, "<app:v2 xmlns:app=\"http://example.org/app/\"/>");
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
