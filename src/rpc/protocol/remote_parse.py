"""Readers for gen-remote.py: the .x file's structs and procedure numbers,
the public headers' functions and structs, and api.def's call modes.
Plain regular expressions: the inputs are this project's own files, and
what they produce is compiled into both ends of every remote test."""
import re

HEADERS = ["virtkit-common.h", "virtkit-host.h", "virtkit-domain.h",
           "virtkit-event.h", "virtkit-network.h", "virtkit-storage.h",
           "virtkit-nodedev.h", "virtkit-interface.h", "virtkit-domain-snapshot.h",
           "virtkit-secret.h", "virtkit-nwfilter.h", "virtkit-domain-checkpoint.h"]


class Field:
    def __init__(self, xtype, name, kind, size):
        self.xtype, self.name, self.kind, self.size = xtype, name, kind, size

    def key(self):
        return norm(self.name)


def norm(name):
    return name.replace("_", "").lower()


def parse_x(path):
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    structs = {}
    for m in re.finditer(r"struct\s+(\w+)\s*\{(.*?)\}\s*;", text, re.S):
        fields = []
        for decl in m.group(2).split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            fm = re.match(r"^(.*?)\s*(\w+)\s*(?:<(\w*)>|\[(\w+)\])?$", decl)
            xtype, name = fm.group(1), fm.group(2)
            if fm.group(3) is not None:
                fields.append(Field(xtype, name, "var", fm.group(3)))
            elif fm.group(4) is not None:
                fields.append(Field(xtype, name, "fixed", fm.group(4)))
            else:
                fields.append(Field(xtype, name, "scalar", None))
        structs[m.group(1)] = fields
    procs = []
    em = re.search(r"enum\s+remote_procedure\s*\{(.*?)\}", text, re.S)
    for pm in re.finditer(r"REMOTE_PROC_(\w+)\s*=\s*(\d+)", em.group(1)):
        procs.append((pm.group(1), int(pm.group(2))))
    return structs, procs


def parse_headers(incdir):
    funcs, cstructs = {}, {}
    for h in HEADERS:
        text = open("%s/%s" % (incdir, h)).read()
        for m in re.finditer(r"struct\s+_(vir\w+)\s*\{(.*?)\}\s*;", text, re.S):
            members = {}
            for decl in m.group(2).split(";"):
                decl = " ".join(decl.split())
                dm = re.match(r"^(.*?)\s*\b(\w+)\s*(\[\w+\])?$", decl)
                if dm:
                    members[dm.group(2)] = (dm.group(1), dm.group(3))
            cstructs[m.group(1)] = members
        for line in text.splitlines():
            line = line.strip()
            m = re.match(r"^(?!typedef)(.+?\W)(vir\w+)\((.*)\);$", line)
            if not m:
                continue
            ret, name, args = m.group(1).strip(), m.group(2), m.group(3)
            alist = []
            if args != "void":
                for a in args.split(", "):
                    am = re.match(r"^(.*?\W)(\w+)$", a)
                    alist.append((" ".join(am.group(1).replace("*", " * ").split())
                                  .replace("* *", "**").replace("* *", "**"),
                                  am.group(2)))
            funcs[name] = (" ".join(ret.replace("*", " * ").split())
                           .replace("* *", "**"), alist)
    return funcs, cstructs


def parse_api_def(path):
    modes = {}
    for line in open(path):
        line = line.split("#")[0].split()
        if len(line) >= 2:
            modes[line[0]] = line[1]
    return modes
