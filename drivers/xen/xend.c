/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xend client: HTTP/1.1 over xend's UNIX socket or TCP port 8000.
 *
 * Every request opens a fresh socket, writes one request with the fixed
 * headers xend's clients always sent (Host: localhost:8000,
 * Accept-Encoding: identity, an urlencoded Content-Type), reads the reply
 * to its Content-Length or to EOF, and closes.  No connection state
 * survives a call, so a restarted xend or concurrent callers need no
 * care.  Status mapping: 200-202 are success unless the body carries
 * (xend.err ...) or "failed"; 404 is "no such object" for the caller to
 * name; anything else is an error with xend's message.  Sockets carry a
 * receive/send timeout so a wedged xend fails a call instead of hanging
 * the caller forever.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_XEND
#include "util/error.h"
#include "drivers/xen/xend.h"
#include "conf/domain-name.h"

#define XEND_IO_TIMEOUT_SEC 30

struct _vkXend {
    char *unixPath;     /* NULL for TCP */
    char *host;
    int port;
    char *address;
};

vkXend *
vkXendNewUnix(const char *path)
{
    vkXend *x = g_new0(vkXend, 1);
    x->unixPath = g_strdup(path);
    x->address = g_strdup_printf("unix:%s", path);
    return x;
}

vkXend *
vkXendNewTCP(const char *host, int port)
{
    vkXend *x = g_new0(vkXend, 1);
    x->host = g_strdup(host);
    x->port = port;
    x->address = g_strdup_printf("%s:%d", host, port);
    return x;
}

void
vkXendFree(vkXend *x)
{
    if (!x)
        return;
    g_free(x->unixPath);
    g_free(x->host);
    g_free(x->address);
    g_free(x);
}

const char *
vkXendAddress(const vkXend *x)
{
    return x->address;
}

static void
setTimeouts(int fd)
{
    struct timeval tv = { .tv_sec = XEND_IO_TIMEOUT_SEC };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int
connectUnix(vkXend *x, bool quiet)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(x->unixPath) >= sizeof(sa.sun_path)) {
        vkReportError(VIR_ERR_NO_CONNECT, "xend socket path '%s' is too long", x->unixPath);
        return -1;
    }
    strcpy(sa.sun_path, x->unixPath);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        vkReportSystemError(errno, "%s", "cannot create a socket for xend");
        return -1;
    }
    setTimeouts(fd);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int err = errno;
        close(fd);
        if (!quiet)
            vkReportError(VIR_ERR_NO_CONNECT, "cannot connect to xend at %s: %s",
                          x->address, g_strerror(err));
        return -1;
    }
    return fd;
}

static int
connectTCP(vkXend *x, bool quiet)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    char port[16];
    int fd = -1;
    int err = 0;

    g_snprintf(port, sizeof(port), "%d", x->port);
    if ((err = getaddrinfo(x->host, port, &hints, &res)) != 0) {
        if (!quiet)
            vkReportError(VIR_ERR_NO_CONNECT, "cannot resolve xend host %s: %s",
                          x->address, gai_strerror(err));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        setTimeouts(fd);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0 && !quiet)
        vkReportError(VIR_ERR_NO_CONNECT, "cannot connect to xend at %s: %s",
                      x->address, g_strerror(err));
    return fd;
}

static int
writeAll(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

/* Parses "HTTP/1.x NNN ...\r\n...\r\n\r\n"; returns the status, sets the
 * header length and the Content-Length (-1 when absent). */
static int
parseHead(const char *buf, size_t hlen, long long *clen)
{
    int status;
    g_autofree char *head = g_strndup(buf, hlen);
    g_auto(GStrv) lines = g_strsplit(head, "\r\n", -1);

    *clen = -1;
    if (!lines[0] || sscanf(lines[0], "HTTP/1.%*d %d", &status) != 1 ||
        status < 100 || status > 599)
        return -1;
    for (size_t i = 1; lines[i]; i++) {
        if (g_ascii_strncasecmp(lines[i], "Content-Length:", 15) == 0) {
            char *end;
            long long n = g_ascii_strtoll(lines[i] + 15, &end, 10);
            if (n < 0 || (*end && !g_ascii_isspace(*end)))
                return -1;
            *clen = n;
        }
    }
    return status;
}

int
vkXendRequest(vkXend *x, const char *method, const char *path,
              const char *form, char **body, size_t *len, bool quiet)
{
    g_autoptr(GString) req = g_string_new(NULL);
    g_autoptr(GByteArray) in = g_byte_array_new();
    char chunk[8192];
    long long clen = -1;
    size_t hlen = 0;
    int status = -1;
    int fd;

    fd = x->unixPath ? connectUnix(x, quiet) : connectTCP(x, quiet);
    if (fd < 0)
        return -1;

    g_string_append_printf(req, "%s %s HTTP/1.1\r\n"
                           "Host: localhost:8000\r\n"
                           "Accept-Encoding: identity\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\n",
                           method, path);
    if (form)
        g_string_append_printf(req, "Content-Length: %zu\r\n", strlen(form));
    g_string_append(req, "\r\n");
    if (form)
        g_string_append(req, form);
    if (writeAll(fd, req->str, req->len) < 0) {
        int err = errno;
        close(fd);
        vkReportError(VIR_ERR_HTTP_ERROR, "cannot send %s %s to xend at %s: %s",
                      method, path, x->address, g_strerror(err));
        return -1;
    }

    for (;;) {
        if (hlen && clen >= 0 && in->len - hlen >= (size_t)clen)
            break;
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            vkReportError(VIR_ERR_HTTP_ERROR, "reading the reply to %s %s from xend at %s: %s",
                          method, path, x->address,
                          err == EAGAIN ? "timed out" : g_strerror(err));
            return -1;
        }
        if (n == 0)
            break;
        g_byte_array_append(in, (guint8 *)chunk, n);
        if (in->len > VK_XEND_MAX_REPLY) {
            close(fd);
            vkReportError(VIR_ERR_HTTP_ERROR,
                          "reply to %s %s from xend at %s exceeds %d bytes",
                          method, path, x->address, VK_XEND_MAX_REPLY);
            return -1;
        }
        if (!hlen) {
            const char *end = g_strstr_len((char *)in->data, in->len, "\r\n\r\n");
            if (end) {
                hlen = end - (char *)in->data + 4;
                if ((status = parseHead((char *)in->data, hlen, &clen)) < 0)
                    break;
            }
        }
    }
    close(fd);

    if (!hlen || status < 0 || (clen >= 0 && in->len - hlen < (size_t)clen)) {
        vkReportError(VIR_ERR_HTTP_ERROR, "malformed or truncated HTTP reply to %s %s from xend at %s",
                      method, path, x->address);
        return -1;
    }
    size_t blen = clen >= 0 ? (size_t)clen : in->len - hlen;
    *body = g_strndup((char *)in->data + hlen, blen);
    *len = strlen(*body);
    return status;
}

static vkSexpr *parseQuiet(const char *body, size_t len);

char *
vkXendErrorMessage(const char *body)
{
    g_autoptr(vkSexpr) s = NULL;
    const char *msg;

    if (!body || !*body)
        return g_strdup("no details given");
    s = parseQuiet(body, strlen(body));
    if (s && g_strcmp0(vkSexprHead(s), "xend.err") == 0 &&
        (msg = vkSexprItem(s, 1) ? vkSexprItem(s, 1)->atom : NULL))
        return g_strdup(msg);
    return g_strstrip(g_strdup(body));
}

/* Parses without leaving an error behind: used where a body that is not
 * an S-expression is not a failure of the call. */
static vkSexpr *
parseQuiet(const char *body, size_t len)
{
    virErrorPtr saved = vkErrorSave();
    vkSexpr *s = vkSexprParse(body, len);
    if (saved)
        vkErrorRestore(&saved);
    else if (!s)
        vkErrorReset();
    return s;
}

static bool
bodySaysError(const char *body)
{
    return strstr(body, "xend.err") || strstr(body, "failed");
}

int
vkXendGet(vkXend *x, const char *path, vkSexpr **out)
{
    g_autofree char *body = NULL;
    size_t len;
    int status = vkXendRequest(x, "GET", path, NULL, &body, &len, false);

    if (status < 0)
        return -1;
    if (status == 404)
        return 1;
    if (status < 200 || status > 202 || bodySaysError(body)) {
        g_autofree char *msg = vkXendErrorMessage(body);
        vkReportError(VIR_ERR_GET_FAILED, "xend at %s failed GET %s (HTTP %d): %s",
                      vkXendAddress(x), path, status, msg);
        return -1;
    }
    if (!(*out = vkSexprParse(body, len)))
        return -1;
    return 0;
}

static void
formAppend(GString *form, const char *key, const char *value)
{
    g_autofree char *k = g_uri_escape_string(key, NULL, FALSE);
    g_autofree char *v = g_uri_escape_string(value, NULL, FALSE);
    if (form->len)
        g_string_append_c(form, '&');
    g_string_append_printf(form, "%s=%s", k, v);
}

int
vkXendPost(vkXend *x, const char *dom, vkSexpr **out, ...)
{
    g_autoptr(GString) form = g_string_new(NULL);
    g_autofree char *escDom = vkDomainNameURISegment(dom);
    g_autofree char *path = g_strdup_printf("/xend/domain/%s", escDom);
    g_autofree char *body = NULL;
    const char *op = "?";
    const char *key;
    size_t len;
    va_list ap;

    va_start(ap, out);
    while ((key = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        if (strcmp(key, "op") == 0)
            op = value;
        formAppend(form, key, value ? value : "");
    }
    va_end(ap);

    int status = vkXendRequest(x, "POST", path, form->str, &body, &len, false);
    if (status < 0)
        return -1;
    if (status == 404)
        return 1;
    if (status < 200 || status > 202 || bodySaysError(body)) {
        g_autofree char *msg = vkXendErrorMessage(body);
        vkReportError(VIR_ERR_POST_FAILED, "xend refused op=%s on domain '%s' (HTTP %d): %s",
                      op, *dom ? dom : "(new)", status, msg);
        return -1;
    }
    if (out) {
        *out = NULL;
        if (len)
            *out = parseQuiet(body, len);
    }
    return 0;
}
