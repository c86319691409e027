#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drivers never touch XML (DESIGN.md): every document is read and
written by src/conf, whose reader carries the limits and the entity
defences.  Fails, naming file and line, when a file under drivers/
includes a libxml2 header or uses a libxml2 function, type or constant."""

import os
import re
import sys

LIBXML = re.compile(
    r"#\s*include\s*<libxml/"
    r"|\bxml(Read|Ctxt|New|Free|Get|Doc|Node|Parse|Str|Save|XPath|Set|Init|Cleanup|Buf"
    r"|Add|Unlink|Copy|Stop|SAX2|Has|Relax|Schema|Text|Search)\w*\s*\("
    r"|\bxml(Doc|Node|Attr|ParserCtxt|Ns|Buffer|Error)Ptr\b|\bxmlChar\b"
    r"|\bXML_(PARSE|ELEMENT|TEXT|ATTRIBUTE|ERR)_[A-Z_]+\b")


def main():
    top = os.path.join(sys.argv[1] if len(sys.argv) > 1 else ".", "drivers")
    bad = []
    for base, _dirs, files in os.walk(top):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(base, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                for no, line in enumerate(f, 1):
                    if LIBXML.search(line):
                        bad.append("%s:%d: %s" % (os.path.relpath(path, top), no, line.strip()))
    if not os.path.isdir(top):
        print("no drivers/ under %s" % top, file=sys.stderr)
        return 1
    for b in bad:
        print("drivers/" + b)
    if bad:
        print("libxml2 used under drivers/: move it behind src/conf", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
