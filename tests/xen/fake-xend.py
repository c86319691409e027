#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A stand-in for xend (Xen 3.x's management daemon) for the Xen driver's
tests: HTTP/1.1 on a UNIX socket, S-expression bodies, domains kept in
memory.  It answers the URLs and ops xend's clients used:

  GET  /xend/node/                      (node ...)
  GET  /xend/domain                     (name name ...)    running domains
  GET  /xend/domain?detail=1[&state=running|halted|all]   ((domain ...) ...)
  GET  /xend/domain/REF?detail=1        (domain ...)   REF: name, id or uuid
  POST /xend/domain/      op=create|new  config=(vm ...)
  POST /xend/domain/REF   op=pause|unpause|shutdown(reason=)|destroy|start|
                          delete|mem_target_set(target=)|maxmem_set(memory=)|
                          vcpu_set(vcpus=)

Like xend, an unknown domain is a 404, and a failed operation is a 500
whose body is (xend.err 'message').  Requests without the headers xend's
clients always sent (Host: localhost:8000, Accept-Encoding: identity, and
an urlencoded Content-Type on POSTs) get a 400, so the tests also check
the client's request format.  Usage: fake-xend.py SOCKET; prints "ready"
once listening and exits when its stdin closes (its parent is gone).
Test-only: never installed.
"""
import os
import socketserver
import sys
import threading
import urllib.parse
import uuid as uuidlib
from http.server import BaseHTTPRequestHandler

MAX_DEPTH = 64


# ---- S-expressions ----

def sx_parse(text):
    pos = 0
    n = len(text)

    def blanks():
        nonlocal pos
        while pos < n and text[pos].isspace():
            pos += 1

    def node(depth):
        nonlocal pos
        blanks()
        if pos >= n:
            raise ValueError("unexpected end of input")
        c = text[pos]
        if c == '(':
            if depth >= MAX_DEPTH:
                raise ValueError("too deep")
            pos += 1
            out = []
            while True:
                blanks()
                if pos >= n:
                    raise ValueError("missing )")
                if text[pos] == ')':
                    pos += 1
                    return out
                out.append(node(depth + 1))
        if c == ')':
            raise ValueError("unbalanced )")
        if c in "'\"":
            q = c
            pos += 1
            buf = []
            while pos < n and text[pos] != q:
                ch = text[pos]
                pos += 1
                if ch == '\\' and pos < n:
                    ch = {'n': '\n', 't': '\t', 'r': '\r'}.get(text[pos], text[pos])
                    pos += 1
                buf.append(ch)
            if pos >= n:
                raise ValueError("unterminated quote")
            pos += 1
            return ''.join(buf)
        start = pos
        while pos < n and not text[pos].isspace() and text[pos] not in '()':
            pos += 1
        return text[start:pos]

    v = node(0)
    blanks()
    if pos != n:
        raise ValueError("trailing data")
    return v


def sx_format(v):
    if isinstance(v, list):
        return '(' + ' '.join(sx_format(x) for x in v) + ')'
    s = str(v)
    if s and not any(ch.isspace() or ch in "()'\"\\" for ch in s):
        return s
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


def sx_get(lst, key):
    for item in lst[1:]:
        if isinstance(item, list) and item and item[0] == key:
            return item[1] if len(item) > 1 else None
    return None


# ---- the domain store ----

class Domain:
    def __init__(self, config, managed):
        self.config = config                  # the (vm ...) list
        self.name = sx_get(config, 'name')
        self.uuid = sx_get(config, 'uuid') or str(uuidlib.uuid4())
        self.memory = int(sx_get(config, 'memory') or 0)
        self.maxmem = int(sx_get(config, 'maxmem') or self.memory)
        self.vcpus = int(sx_get(config, 'vcpus') or 1)
        avail = sx_get(config, 'vcpu_avail')
        self.online_vcpus = bin(int(avail)).count('1') if avail else self.vcpus
        self.managed = managed
        self.domid = None
        self.state = '------'

    def record(self):
        r = ['domain']
        if self.domid is not None:
            r.append(['domid', str(self.domid)])
        r += [['uuid', self.uuid], ['name', self.name],
              ['vcpus', str(self.vcpus)], ['online_vcpus', str(self.online_vcpus)],
              ['memory', str(self.memory)], ['maxmem', str(self.maxmem)],
              ['cpu_time', '1.5' if self.domid is not None else '0.0'],
              ['state', self.state]]
        skip = {'name', 'uuid', 'memory', 'maxmem', 'vcpus'}
        for item in self.config[1:]:
            if isinstance(item, list) and item and item[0] not in skip:
                r.append(item)
        return r


class Xend:
    def __init__(self):
        self.lock = threading.Lock()
        self.next_id = 1
        dom0 = Domain(['vm', ['name', 'Domain-0'], ['memory', '1024'], ['maxmem', '1024'],
                       ['vcpus', '2'], ['uuid', '00000000-0000-0000-0000-000000000000'],
                       ['image', ['linux']]], False)
        dom0.domid = 0
        dom0.state = 'r-----'
        self.domains = [dom0]

    def find(self, ref):
        for d in self.domains:
            if ref in (d.name, d.uuid) or (d.domid is not None and ref == str(d.domid)):
                return d
        return None

    def run(self, d):
        d.domid = self.next_id
        self.next_id += 1
        d.state = '-b----'

    def stop(self, d):
        if d.managed:
            d.domid = None
            d.state = '------'
        else:
            self.domains.remove(d)


class XendError(Exception):
    pass


XEND = Xend()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def headers_ok(self, post):
        if self.headers.get('Host') != 'localhost:8000':
            return False
        if self.headers.get('Accept-Encoding') != 'identity':
            return False
        if post and self.headers.get('Content-Type') != 'application/x-www-form-urlencoded':
            return False
        return True

    def do_GET(self):
        if not self.headers_ok(False):
            return self.reply(400, "(xend.err 'bad request headers')")
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        parts = [urllib.parse.unquote(p) for p in url.path.split('/') if p]
        with XEND.lock:
            if parts == ['xend', 'node']:
                return self.reply(200, sx_format(
                    ['node', ['host', 'fakehost'], ['release', '6.1.0'],
                     ['machine', 'x86_64'], ['nr_cpus', '4'], ['nr_nodes', '1'],
                     ['cores_per_socket', '2'], ['threads_per_core', '1'],
                     ['cpu_mhz', '2400'], ['total_memory', '8192'],
                     ['free_memory', '4096'], ['xen_major', '3'], ['xen_minor', '4'],
                     ['xen_extra', '.2'],
                     ['xen_caps', 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_64']]))
            if parts == ['xend', 'domain']:
                state = q.get('state', ['running'])[0]
                doms = [d for d in XEND.domains
                        if state == 'all' or (state == 'halted') == (d.domid is None)]
                if q.get('detail', ['0'])[0] == '1':
                    return self.reply(200, sx_format([d.record() for d in doms]))
                return self.reply(200, sx_format([d.name for d in doms]))
            if len(parts) == 3 and parts[:2] == ['xend', 'domain']:
                d = XEND.find(parts[2])
                if not d:
                    return self.reply(404, sx_format(['xend.err', 'Domain not found: ' + parts[2]]))
                return self.reply(200, sx_format(d.record()))
        return self.reply(404, "(xend.err 'Not found')")

    def do_POST(self):
        if not self.headers_ok(True):
            return self.reply(400, "(xend.err 'bad request headers')")
        length = int(self.headers.get('Content-Length') or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        arg = {k: v[0] for k, v in form.items()}
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.split('/') if p]
        if parts[:2] != ['xend', 'domain'] or len(parts) > 3:
            return self.reply(404, "(xend.err 'Not found')")
        try:
            with XEND.lock:
                if len(parts) == 2:
                    body = self.collection_op(arg)
                else:
                    d = XEND.find(parts[2])
                    if not d:
                        return self.reply(404, sx_format(['xend.err', 'Domain not found: ' + parts[2]]))
                    body = self.domain_op(d, arg)
        except XendError as e:
            return self.reply(500, sx_format(['xend.err', str(e)]))
        return self.reply(200, body)

    def collection_op(self, arg):
        op = arg.get('op')
        if op not in ('create', 'new'):
            raise XendError('Invalid operation: %s' % op)
        try:
            config = sx_parse(arg.get('config', ''))
        except ValueError as e:
            raise XendError('Error parsing config: %s' % e)
        if not isinstance(config, list) or not config or config[0] != 'vm':
            raise XendError('Config is not a vm sxp')
        name = sx_get(config, 'name')
        if not name:
            raise XendError('Missing name in config')
        old = XEND.find(name)
        if old:
            raise XendError("Domain '%s' already exists with ID '%s'" % (name, old.uuid))
        d = Domain(config, op == 'new')
        XEND.domains.append(d)
        if op == 'create':
            XEND.run(d)
        return sx_format(d.record())

    def domain_op(self, d, arg):
        op = arg.get('op')
        running = d.domid is not None
        if d.domid == 0 and op in ('shutdown', 'destroy', 'pause', 'delete'):
            raise XendError('Cannot %s privileged domain 0' % op)
        if op == 'pause':
            if not running:
                raise XendError('Domain is not running')
            d.state = '--p---'
        elif op == 'unpause':
            if not running:
                raise XendError('Domain is not running')
            d.state = '-b----'
        elif op == 'shutdown':
            if not running:
                raise XendError('Domain is not running')
            reason = arg.get('reason', 'poweroff')
            if reason == 'reboot':
                XEND.run(d)
            elif reason in ('poweroff', 'halt'):
                XEND.stop(d)
            else:
                raise XendError('Invalid reason: %s' % reason)
        elif op == 'destroy':
            if not running:
                raise XendError('Domain is not running')
            XEND.stop(d)
        elif op == 'start':
            if running:
                raise XendError('Domain is already running')
            XEND.run(d)
        elif op == 'delete':
            if running:
                raise XendError('Domain is not halted.')
            XEND.domains.remove(d)
        elif op == 'mem_target_set':
            target = int(arg.get('target', '0'))
            if target <= 0 or target > d.maxmem:
                raise XendError('Invalid memory target: %d' % target)
            d.memory = target
        elif op == 'maxmem_set':
            d.maxmem = int(arg.get('memory', '0'))
            d.memory = min(d.memory, d.maxmem)
        elif op == 'vcpu_set':
            n = int(arg.get('vcpus', '0'))
            if n < 1 or n > d.vcpus:
                raise XendError('Invalid VCPU count: %d' % n)
            d.online_vcpus = n
        else:
            raise XendError('Invalid operation: %s' % op)
        return sx_format(['ok'])


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: fake-xend.py SOCKET\n')
        return 2
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    srv = Server(path, Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    # Served until the parent closes our stdin (or dies).
    sys.stdin.read()
    os.unlink(path)
    # no orderly shutdown: it would wait out serve_forever's poll interval
    os._exit(0)


if __name__ == '__main__':
    sys.exit(main())
