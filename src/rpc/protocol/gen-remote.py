#!/usr/bin/env python3
"""Generate both ends of the remote program from remote_protocol.x.

usage: gen-remote.py PROTOCOL.x INCLUDE_DIR API.def SERVER.c CLIENT.c

The .x names every procedure FOO_BAR, its bodies remote_foo_bar_args and
remote_foo_bar_ret, and the public function virFooBar (matched ignoring
case and underscores, so DOMAIN_GET_IOTHREAD_INFO finds
virDomainGetIOThreadInfo).  Walking the function's parameters in order
against the args fields, and its output parameters by name against the ret
fields, gives one "plan" per procedure; the plan prints as

  SERVER.c  a dispatcher per procedure that rebuilds the handles, calls the
            public function on client->conn and fills the reply, plus the
            sorted table vkServerProc[] (mutating = 'rw' in api.def);
  CLIENT.c  a driver member per procedure (the public signature) that fills
            the args, calls vkRemoteCall and converts the reply, plus
            vkRemoteFillGeneratedMembers().

Procedures the rules cannot express are written by hand (HAND_SERVER, in
src/daemon/dispatch/) or left out; the generated files list them.
"""
import os
import re
import sys

# Public handle type -> (wire struct, kind used in helper names,
#                         expression reaching the connection)
HANDLES = {
    "virDomainPtr": ("remote_nonnull_domain", "Domain", "%s->conn"),
    "virNetworkPtr": ("remote_nonnull_network", "Network", "%s->conn"),
    "virNetworkPortPtr": ("remote_nonnull_network_port", "NetworkPort", "%s->net->conn"),
    "virStoragePoolPtr": ("remote_nonnull_storage_pool", "StoragePool", "%s->conn"),
    "virStorageVolPtr": ("remote_nonnull_storage_vol", "StorageVol", "%s->conn"),
    "virNodeDevicePtr": ("remote_nonnull_node_device", "NodeDevice", "%s->conn"),
    "virInterfacePtr": ("remote_nonnull_interface", "Interface", "%s->conn"),
    "virDomainSnapshotPtr": ("remote_nonnull_domain_snapshot", "DomainSnapshot",
                             "%s->domain->conn"),
    "virSecretPtr": ("remote_nonnull_secret", "Secret", "%s->conn"),
    "virNWFilterPtr": ("remote_nonnull_nwfilter", "NWFilter", "%s->conn"),
    "virNWFilterBindingPtr": ("remote_nonnull_nwfilter_binding", "NWFilterBinding",
                              "%s->conn"),
    "virDomainCheckpointPtr": ("remote_nonnull_domain_checkpoint", "DomainCheckpoint",
                               "%s->domain->conn"),
}
WIRE_HANDLES = {v[0]: k for k, v in HANDLES.items()}

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from remote_tables import (HAND_SERVER, INLINE_SAFE, FUNC_OVERRIDE,  # noqa: E402
                           CLIENT_SKIP, CLIENT_HAND)
from remote_parse import (norm, parse_x, parse_headers,  # noqa: E402
                          parse_api_def)

INT_TYPES = {"int", "unsigned int", "unsigned long", "unsigned long long",
             "long long", "double", "long"}
XDR_SCALARS = {"int", "unsigned int", "hyper", "unsigned hyper", "char",
               "unsigned char", "unsigned short", "short", "double", "unsigned"}


class Unsupported(Exception):
    pass


# ---------------------------------------------------------------- planning

class Plan:
    """Code fragments for one procedure, for both sides."""

    def __init__(self, proc, num, func, sig, args, ret, mode):
        self.proc, self.num, self.func, self.sig = proc, num, func, sig
        self.args, self.ret, self.mode = args, ret, mode
        self.lower = proc.lower()
        # server
        self.s_decl, self.s_pre, self.s_callargs, self.s_post = [], [], [], []
        self.s_cleanup = []
        # client
        self.c_decl, self.c_pre, self.c_post, self.c_cleanup = [], [], [], []
        self.c_conn = None
        self.ret_kind = "status"
        self.ret_type = sig[0]


def ctype_of(field):
    return field.xtype


def plan_proc(proc, num, funcs, cstructs, structs, modes):
    func = FUNC_OVERRIDE.get(proc)
    if func is None:
        key = proc.replace("_", "")
        func = FUNC_INDEX.get(key)
    if func is None or func not in funcs:
        raise Unsupported("no public function")
    sig = funcs[func]
    args = structs.get("remote_%s_args" % proc.lower(), [])
    ret = structs.get("remote_%s_ret" % proc.lower(), [])
    p = Plan(proc, num, func, sig, args, ret, modes.get(func))
    params = sig[1]
    ai = 0          # next args field
    used_ret = set()
    ret_by_key = {f.key(): f for f in ret}

    def next_arg():
        nonlocal ai
        if ai >= len(args):
            raise Unsupported("more parameters than args fields")
        f = args[ai]
        ai += 1
        return f

    def take_ret(name):
        f = ret_by_key.get(norm(name))
        if f is None or f.name in used_ret:
            raise Unsupported("no ret field for output %s" % name)
        used_ret.add(f.name)
        return f

    i = 0
    first = True
    while i < len(params):
        ctype, pname = params[i]
        nxt = params[i + 1] if i + 1 < len(params) else (None, None)
        if first and ctype == "virConnectPtr":
            p.c_conn = pname
            p.s_callargs.append("client->conn")
        elif ctype in HANDLES:
            wire, kind, connexpr = HANDLES[ctype]
            f = next_arg()
            if first:
                p.c_conn = connexpr % pname
            var = "h_" + pname
            if f.xtype == wire and f.kind == "scalar":
                p.s_decl.append("%s %s = NULL;" % (ctype, var))
                p.s_pre.append("if (!(%s = vkRemoteGet%s(client->conn, &args->%s)))\n"
                               "        goto cleanup;" % (var, kind, f.name))
                p.s_cleanup.append("if (%s)\n        vk%sUnref(%s);" % (var, kind, var))
                p.c_pre.append("vkRemoteArg%s(&args.%s, %s);" % (kind, f.name, pname))
            elif kind == "NodeDevice" and f.xtype == "remote_nonnull_string":
                p.s_decl.append("%s %s = NULL;" % (ctype, var))
                p.s_pre.append("if (!(%s = vkGetNodeDevice(client->conn, args->%s, NULL)))\n"
                               "        goto cleanup;" % (var, f.name))
                p.s_cleanup.append("if (%s)\n        vkNodeDeviceUnref(%s);" % (var, var))
                p.c_pre.append("args.%s = %s->name;" % (f.name, pname))
            else:
                raise Unsupported("handle %s vs %s" % (ctype, f.xtype))
            p.s_callargs.append(var)
        elif ctype == "const char *":
            f = next_arg()
            if f.xtype == "remote_nonnull_string" and f.kind == "scalar":
                p.s_callargs.append("args->%s" % f.name)
                p.c_pre.append("args.%s = (char *)%s;" % (f.name, pname))
            elif f.xtype == "remote_string" and f.kind == "scalar":
                p.s_callargs.append("args->%s ? *args->%s : NULL" % (f.name, f.name))
                p.c_decl.append("char *s_%s = (char *)%s;" % (pname, pname))
                p.c_pre.append("args.%s = %s ? &s_%s : NULL;" % (f.name, pname, pname))
            else:
                raise Unsupported("string %s vs %s" % (pname, f.xtype))
        elif ctype == "const unsigned char *" and args[ai:ai + 1] and args[ai].xtype == "remote_uuid":
            f = next_arg()
            p.s_callargs.append("(const unsigned char *)args->%s" % f.name)
            p.c_pre.append("memcpy(args.%s, %s, VIR_UUID_BUFLEN);" % (f.name, pname))
        elif ctype == "virTypedParameterPtr" and nxt[0] in ("int", "unsigned int"):
            # setter: params + count travel as one array
            f = next_arg()
            if f.xtype != "remote_typed_param" or f.kind != "var":
                raise Unsupported("typed params vs %s" % f.xtype)
            p.s_decl.append("virTypedParameterPtr tp = NULL;")
            p.s_decl.append("int ntp = 0;")
            p.s_pre.append("if (vkRemoteDeserializeTypedParams(args->%s.%s_val, args->%s.%s_len,\n"
                           "                                    %s, &tp, &ntp) < 0)\n"
                           "        goto cleanup;" % (f.name, f.name, f.name, f.name, f.size))
            p.s_cleanup.append("virTypedParamsFree(tp, ntp);")
            p.s_callargs += ["tp", "ntp"]
            p.c_pre.append("if (vkRemoteSerializeTypedParams(%s, %s, %s, &args.%s.%s_val,\n"
                           "                                  &args.%s.%s_len) < 0)\n"
                           "        goto cleanup;" % (pname, nxt[1], f.size, f.name, f.name,
                                                     f.name, f.name))
            p.c_cleanup.append("vkRemoteTypedParamsFree(args.%s.%s_val, args.%s.%s_len);"
                               % (f.name, f.name, f.name, f.name))
            i += 1
        elif ctype == "virTypedParameterPtr" and nxt[0] == "int *":
            # getter into a caller array: nparams in, params + nparams out
            fa = next_arg()
            if norm(fa.name) != "nparams":
                raise Unsupported("typed getter without nparams arg")
            fr = take_ret("params")
            fn = take_ret("nparams")
            p.s_decl.append("virTypedParameterPtr tp = NULL;")
            p.s_decl.append("int ntp = args->%s;" % fa.name)
            p.s_pre.append("if (args->%s < 0 || args->%s > %s) {\n"
                           "        vkReportError(VIR_ERR_RPC, \"nparams %%d out of range\", args->%s);\n"
                           "        goto cleanup;\n    }\n"
                           "    if (ntp > 0)\n        tp = g_new0(virTypedParameter, ntp);"
                           % (fa.name, fa.name, fr.size, fa.name))
            p.s_callargs += ["tp", "&ntp"]
            p.s_post.append("if (args->%s == 0) {\n        ret->%s = ntp;\n    } else {\n"
                            "        if (vkRemoteSerializeTypedParams(tp, ntp, %s, &ret->%s.%s_val,\n"
                            "                                          &ret->%s.%s_len) < 0)\n"
                            "            goto cleanup;\n        ret->%s = ntp;\n    }"
                            % (fa.name, fn.name, fr.size, fr.name, fr.name, fr.name, fr.name,
                               fn.name))
            p.s_cleanup.append("virTypedParamsFree(tp, args->%s > 0 ? ntp : 0);" % fa.name)
            p.c_pre.append("args.%s = *%s;" % (fa.name, nxt[1]))
            p.c_post.append("if (*%s == 0) {\n        *%s = ret.%s;\n    } else {\n"
                            "        if (vkRemoteDeserializeTypedParamsInto(ret.%s.%s_val, ret.%s.%s_len,\n"
                            "                                               %s, %s) < 0)\n"
                            "            goto cleanup;\n    }"
                            % (nxt[1], nxt[1], fn.name, fr.name, fr.name, fr.name, fr.name,
                               pname, nxt[1]))
            i += 1
        elif ctype == "virTypedParameterPtr *" and nxt[0] in ("int *", "unsigned int *"):
            # getter that allocates: only params come back.  Some layouts
            # (NODE_GET_SEV_INFO, NETWORK_PORT_GET_PARAMETERS) also carry
            # an nparams both ways: the caller sends 0 and the count rides
            # beside the array.
            fr = take_ret("params")
            if args[ai:ai + 1] and norm(args[ai].name) == "nparams":
                next_arg()
            p.s_decl.append("virTypedParameterPtr tp = NULL;")
            p.s_decl.append("int ntp = 0;")
            p.s_callargs += ["&tp", "(%s)&ntp" % nxt[0]]
            p.s_post.append("if (vkRemoteSerializeTypedParams(tp, ntp, %s, &ret->%s.%s_val,\n"
                            "                                      &ret->%s.%s_len) < 0)\n"
                            "        goto cleanup;" % (fr.size, fr.name, fr.name, fr.name, fr.name))
            if "nparams" in ret_by_key and ret_by_key["nparams"].name not in used_ret:
                p.s_post.append("ret->%s = ntp;" % take_ret("nparams").name)
            p.s_cleanup.append("virTypedParamsFree(tp, ntp);")
            p.c_decl.append("int n_%s = 0;" % pname)
            p.c_post.append("if (vkRemoteDeserializeTypedParams(ret.%s.%s_val, ret.%s.%s_len,\n"
                            "                                    %s, %s, &n_%s) < 0)\n"
                            "        goto cleanup;\n    *%s = n_%s;"
                            % (fr.name, fr.name, fr.name, fr.name, fr.size, pname, pname,
                               nxt[1], pname))
            i += 1
        elif ctype == "const char **" and nxt[0] in ("int", "unsigned int"):
            # a list of strings and its length travel as one array
            f = next_arg()
            if f.xtype != "remote_nonnull_string" or f.kind != "var":
                raise Unsupported("string list vs %s" % f.xtype)
            p.s_callargs += ["(const char **)args->%s.%s_val" % (f.name, f.name),
                             "args->%s.%s_len" % (f.name, f.name)]
            p.c_pre.append("args.%s.%s_val = (char **)%s;\n    args.%s.%s_len = %s;"
                           % (f.name, f.name, pname, f.name, f.name, nxt[1]))
            i += 1
        elif ctype == "unsigned char *" and nxt[0] == "int" and args[ai:ai + 1] and \
                args[ai].xtype == "opaque" and args[ai].kind == "var":
            # an input CPU map and its length in bytes
            f = next_arg()
            p.s_callargs += ["(unsigned char *)args->%s.%s_val" % (f.name, f.name),
                             "args->%s.%s_len" % (f.name, f.name)]
            p.c_pre.append("args.%s.%s_val = (char *)%s;\n    args.%s.%s_len = %s;"
                           % (f.name, f.name, pname, f.name, f.name, nxt[1]))
            i += 1
        elif ctype in ("char ** const", "char **const", "char **") and nxt[0] == "int":
            # legacy name list into a caller array of maxnames
            fa = next_arg()
            fr = take_ret(pname)
            p.s_decl.append("char **names = NULL;")
            p.s_decl.append("int nnames = 0;")
            p.s_pre.append("if (args->%s < 0 || args->%s > %s) {\n"
                           "        vkReportError(VIR_ERR_RPC, \"maxnames %%d out of range\", args->%s);\n"
                           "        goto cleanup;\n    }\n"
                           "    names = g_new0(char *, args->%s + 1);"
                           % (fa.name, fa.name, fr.size, fa.name, fa.name))
            p.s_callargs += ["names", "args->%s" % fa.name]
            p.ret_kind = "count-names"
            p.names = (fr, fa)
            p.c_pre.append("args.%s = %s;" % (fa.name, nxt[1]))
            p.c_names = (pname, nxt[1], fr)
            i += 1
        elif ctype == "int *" and nxt[0] == "int" and nxt[1].startswith("max"):
            fa = next_arg()
            fr = take_ret(pname)
            p.s_decl.append("int *ids = NULL;")
            p.s_pre.append("if (args->%s < 0 || args->%s > %s) {\n"
                           "        vkReportError(VIR_ERR_RPC, \"maxids %%d out of range\", args->%s);\n"
                           "        goto cleanup;\n    }\n"
                           "    ids = g_new0(int, args->%s + 1);"
                           % (fa.name, fa.name, fr.size, fa.name, fa.name))
            p.s_callargs += ["ids", "args->%s" % fa.name]
            p.s_cleanup.append("g_free(ids);")
            p.ret_kind = "count-ids"
            p.ids = fr
            p.c_pre.append("args.%s = %s;" % (fa.name, nxt[1]))
            p.c_ids = (pname, nxt[1], fr)
            i += 1
        elif re.match(r"^vir\w+Ptr \*\*$", ctype) and ctype[:-3] in HANDLES:
            # list-all: need_results in, handle array + count out
            fa = next_arg()
            if fa.name != "need_results":
                raise Unsupported("list without need_results")
            fr = [f for f in ret if f.kind == "var"][0]
            used_ret.add(fr.name)
            fc = take_ret("ret")
            htype = ctype[:-3]
            kind = HANDLES[htype][1]
            p.s_decl.append("%s *list = NULL;" % htype)
            p.s_callargs.append("args->need_results ? &list : NULL")
            p.s_post.append("if (list) {\n"
                            "        ret->%s.%s_val = g_new0(%s, rv_ + 1);\n"
                            "        ret->%s.%s_len = rv_;\n"
                            "        for (int k = 0; k < rv_; k++)\n"
                            "            vkRemoteMake%s(&ret->%s.%s_val[k], list[k]);\n"
                            "    }\n    ret->%s = rv_;"
                            % (fr.name, fr.name, fr.xtype, fr.name, fr.name, kind, fr.name,
                               fr.name, fc.name))
            p.s_cleanup.append("if (list) {\n        for (int k = 0; k < rv_; k++)\n"
                               "            vk%sUnref(list[k]);\n        g_free(list);\n    }"
                               % kind)
            p.ret_kind = "count-list"
            p.c_pre.append("args.need_results = %s != NULL;" % pname)
            p.c_post.append("if (%s) {\n"
                            "        %s *tmp = g_new0(%s, ret.%s.%s_len + 1);\n"
                            "        for (u_int k = 0; k < ret.%s.%s_len; k++)\n"
                            "            tmp[k] = vkRemoteGet%s(%s, &ret.%s.%s_val[k]);\n"
                            "        *%s = tmp;\n    }\n    rv = ret.%s;"
                            % (pname, htype, htype, fr.name, fr.name, fr.name, fr.name, kind,
                               "CONN", fr.name, fr.name, pname, fc.name))
            # the server's list is NULL-terminated by the public API contract
        elif ctype == "char ***":
            fr = take_ret(pname)
            if args[ai:ai + 1] and args[ai].name == "need_results":
                next_arg()
                p.c_pre.append("args.need_results = %s != NULL;" % pname)
            p.s_decl.append("char **strv = NULL;")
            p.s_callargs.append("&strv")
            p.s_post.append("if (strv) {\n"
                            "        ret->%s.%s_len = rv_;\n"
                            "        ret->%s.%s_val = strv;\n"
                            "        strv = NULL;\n    }"
                            % (fr.name, fr.name, fr.name, fr.name))
            p.s_cleanup.append("g_strfreev(strv);")
            p.ret_kind = "count-strv"
            p.c_post.append("if (%s) {\n"
                            "        char **tmp = g_new0(char *, ret.%s.%s_len + 1);\n"
                            "        for (u_int k = 0; k < ret.%s.%s_len; k++)\n"
                            "            tmp[k] = g_strdup(ret.%s.%s_val[k]);\n"
                            "        *%s = tmp;\n    }"
                            % (pname, fr.name, fr.name, fr.name, fr.name, fr.name, fr.name, pname))
        elif ctype in ("int *", "unsigned int *", "unsigned long *", "unsigned long long *",
                       "long long *"):
            f = take_ret(pname)
            base = ctype[:-2]
            p.s_decl.append("%s o_%s = 0;" % (base, pname))
            p.s_callargs.append("&o_%s" % pname)
            p.s_post.append("ret->%s = o_%s;" % (f.name, pname))
            p.c_post.append("if (%s)\n        *%s = ret.%s;" % (pname, pname, f.name))
        elif re.match(r"^vir(\w+)Ptr$", ctype) and ctype[:-3] in cstructs:
            members = cstructs[ctype[:-3]]
            p.s_decl.append("struct _%s st;" % ctype[:-3])
            p.s_pre.append("memset(&st, 0, sizeof(st));")
            p.s_callargs.append("&st")
            for mname, (mtype, marr) in members.items():
                f = take_ret(mname)
                if marr and f.kind == "fixed":
                    p.s_post.append("memcpy(ret->%s, st.%s, sizeof(ret->%s));"
                                    % (f.name, mname, f.name))
                    p.c_post.append("memcpy(%s->%s, ret.%s, MIN(sizeof(%s->%s), sizeof(ret.%s)));"
                                    % (pname, mname, f.name, pname, mname, f.name))
                elif marr and f.kind == "var" and f.xtype == "char":
                    p.s_post.append("ret->%s.%s_len = strlen(st.%s) + 1;\n"
                                    "    ret->%s.%s_val = g_memdup2(st.%s, ret->%s.%s_len);"
                                    % (f.name, f.name, mname, f.name, f.name, mname, f.name,
                                       f.name))
                    p.c_post.append("if (ret.%s.%s_len > sizeof(%s->%s)) {\n"
                                    "        vkReportError(VIR_ERR_RPC, \"%%s\", \"%s too long in reply\");\n"
                                    "        goto cleanup;\n    }\n"
                                    "    memset(%s->%s, 0, sizeof(%s->%s));\n"
                                    "    if (ret.%s.%s_len)\n"
                                    "        memcpy(%s->%s, ret.%s.%s_val, ret.%s.%s_len);"
                                    % (f.name, f.name, pname, mname, mname, pname, mname, pname,
                                       mname, f.name, f.name, pname, mname, f.name, f.name,
                                       f.name, f.name))
                elif not marr and f.kind == "scalar" and f.xtype in XDR_SCALARS:
                    p.s_post.append("ret->%s = st.%s;" % (f.name, mname))
                    p.c_post.append("%s->%s = ret.%s;" % (pname, mname, f.name))
                else:
                    raise Unsupported("struct member %s" % mname)
            if nxt[0] == "size_t":
                p.s_callargs.append("sizeof(st)")
                i += 1
        elif ctype in INT_TYPES:
            f = next_arg()
            if f.kind != "scalar" or f.xtype not in XDR_SCALARS:
                raise Unsupported("scalar %s vs %s" % (pname, f.xtype))
            p.s_callargs.append("args->%s" % f.name)
            p.c_pre.append("args.%s = %s;" % (f.name, pname))
        else:
            raise Unsupported("parameter %s %s" % (ctype, pname))
        first = False
        i += 1
    if ai != len(args):
        raise Unsupported("args fields left over")
    # the return value
    rtype = sig[0]
    left = [f for f in ret if f.name not in used_ret]
    if p.ret_kind.startswith("count-"):
        if p.ret_kind == "count-names":
            fr, fa = p.names
            p.s_post.append("ret->%s.%s_len = rv_;\n    ret->%s.%s_val = names;\n    names = NULL;"
                            % (fr.name, fr.name, fr.name, fr.name))
            p.s_cleanup.append("if (names) {\n        for (int k = 0; k < nnames; k++)\n"
                               "            g_free(names[k]);\n        g_free(names);\n    }")
            p.s_post.insert(0, "nnames = rv_;")
            pname, maxname, fr = p.c_names
            p.c_post.append("if (ret.%s.%s_len > (u_int)%s) {\n"
                            "        vkReportError(VIR_ERR_RPC, \"%%s\", \"too many names in reply\");\n"
                            "        goto cleanup;\n    }\n"
                            "    for (u_int k = 0; k < ret.%s.%s_len; k++)\n"
                            "        %s[k] = g_strdup(ret.%s.%s_val[k]);\n"
                            "    rv = ret.%s.%s_len;"
                            % (fr.name, fr.name, maxname, fr.name, fr.name, pname, fr.name,
                               fr.name, fr.name, fr.name))
        elif p.ret_kind == "count-ids":
            fr = p.ids
            p.s_post.append("ret->%s.%s_len = rv_;\n    ret->%s.%s_val = ids;\n    ids = NULL;"
                            % (fr.name, fr.name, fr.name, fr.name))
            pname, maxname, fr = p.c_ids
            p.c_post.append("if (ret.%s.%s_len > (u_int)%s) {\n"
                            "        vkReportError(VIR_ERR_RPC, \"%%s\", \"too many ids in reply\");\n"
                            "        goto cleanup;\n    }\n"
                            "    for (u_int k = 0; k < ret.%s.%s_len; k++)\n"
                            "        %s[k] = ret.%s.%s_val[k];\n"
                            "    rv = ret.%s.%s_len;"
                            % (fr.name, fr.name, maxname, fr.name, fr.name, pname, fr.name,
                               fr.name, fr.name, fr.name))
        elif p.ret_kind == "count-strv":
            p.c_post.append("rv = ret.%s.%s_len;" % (p.ret[0].name, p.ret[0].name)
                            if len(left) == 0 else "")
            if left:
                f = left[0]
                p.c_post.append("rv = ret.%s;" % f.name)
                p.s_post.append("ret->%s = rv_;" % f.name)
                left = left[1:]
        if left:
            raise Unsupported("ret fields left over")
        if rtype != "int":
            raise Unsupported("list returning %s" % rtype)
        return p
    if rtype == "int" or rtype == "unsigned int":
        if len(left) == 0:
            p.ret_kind = "status"
        elif len(left) == 1 and left[0].kind == "scalar" and left[0].xtype in XDR_SCALARS:
            p.ret_kind = "int-value"
            p.ret_field = left[0]
        else:
            raise Unsupported("int return with %d ret fields" % len(left))
    elif rtype in ("char *", "const char *"):
        if len(left) != 1 or left[0].kind != "scalar" or \
                left[0].xtype not in ("remote_nonnull_string", "remote_string"):
            raise Unsupported("string return")
        p.ret_kind = "string"
        p.ret_field = left[0]
    elif rtype in HANDLES:
        if len(left) != 1 or left[0].xtype != HANDLES[rtype][0]:
            raise Unsupported("handle return")
        p.ret_kind = "handle"
        p.ret_field = left[0]
    elif rtype in ("unsigned long", "unsigned long long"):
        if len(left) != 1 or left[0].xtype not in ("unsigned hyper", "hyper"):
            raise Unsupported("ulong return")
        p.ret_kind = "ulong"
        p.ret_field = left[0]
    else:
        raise Unsupported("return type %s" % rtype)
    return p


# ---------------------------------------------------------------- emitting

def c_name(func):
    return func[3:]


def member_name(base):
    """The driver member of virBASE (src/api/gen-api.py's rule)."""
    if base.startswith("NWFilter"):     # an acronym: nwfilterDefineXML
        return "nwfilter" + base[len("NWFilter"):]
    return base[0].lower() + base[1:]


def emit_server(p):
    n = c_name(p.func)
    out = ["static int", "dispatch%s(vkServerClient *client, void *argsp, void *retp)" % n, "{"]
    if p.args:
        out.append("    remote_%s_args *args = argsp;" % p.lower)
    if p.ret:
        out.append("    remote_%s_ret *ret = retp;" % p.lower)
    for d in p.s_decl:
        out.append("    " + d)
    rk = p.ret_kind
    if rk in ("status", "int-value") or rk.startswith("count-"):
        out.append("    %s rv_ = -1;" % ("int" if p.ret_type == "int" else p.ret_type))
    elif rk in ("string", "handle"):
        out.append("    %s rv_ = NULL;" % p.ret_type)
    elif rk == "ulong":
        out.append("    %s rv_ = 0;" % p.ret_type)
    out.append("    int status = -1;")
    out.append("")
    if not p.args:
        out.append("    (void)argsp;")
    if not p.ret:
        out.append("    (void)retp;")
    for s in p.s_pre:
        out.append("    " + s)
    call = "%s(%s)" % (p.func, ", ".join(p.s_callargs))
    if rk == "status" or rk.startswith("count-"):
        out.append("    if ((rv_ = %s) < 0)\n        goto cleanup;" % call)
    elif rk == "int-value":
        out.append("    if ((rv_ = %s) < 0)\n        goto cleanup;" % call)
        out.append("    ret->%s = rv_;" % p.ret_field.name)
    elif rk == "string":
        out.append("    if (!(rv_ = %s))\n        goto cleanup;" % call)
        f = p.ret_field
        val = "(char *)rv_" if p.ret_type == "char *" else "g_strdup(rv_)"
        if f.xtype == "remote_string":
            out.append("    ret->%s = g_new0(char *, 1);\n    *ret->%s = %s;" % (f.name, f.name, val))
        else:
            out.append("    ret->%s = %s;" % (f.name, val))
    elif rk == "handle":
        kind = HANDLES[p.ret_type][1]
        out.append("    if (!(rv_ = %s))\n        goto cleanup;" % call)
        out.append("    vkRemoteMake%s(&ret->%s, rv_);\n    vk%sUnref(rv_);"
                   % (kind, p.ret_field.name, kind))
    elif rk == "ulong":
        out.append("    rv_ = %s;" % call)
        out.append("    if (rv_ == 0 && vkErrorIsSet())\n        goto cleanup;")
        out.append("    ret->%s = rv_;" % p.ret_field.name)
    for s in p.s_post:
        if s:
            out.append("    " + s)
    out.append("    status = 0;")
    out.append("")
    out.append(" cleanup:")
    for s in p.s_cleanup:
        out.append("    " + s)
    out.append("    return status;")
    out.append("}")
    return "\n".join(out) + "\n"


def emit_client(p):
    n = c_name(p.func)
    params = ", ".join("%s%s%s" % (t, "" if t.endswith("*") else " ", nm) for t, nm in p.sig[1])
    rtype = p.sig[0]
    fail = {"status": "-1", "int-value": "-1", "string": "NULL", "handle": "NULL",
            "ulong": "0"}.get(p.ret_kind, "-1")
    out = ["static %s" % rtype, "remote%s(%s)" % (n, params), "{"]
    argsname = "remote_%s_args" % p.lower
    retname = "remote_%s_ret" % p.lower
    if p.args:
        out.append("    %s args;" % argsname)
    if p.ret:
        out.append("    %s ret;" % retname)
    for d in p.c_decl:
        out.append("    " + d)
    out.append("    %s rv = %s;" % (rtype, fail))
    out.append("    int called = 0;")
    out.append("")
    if p.args:
        out.append("    memset(&args, 0, sizeof(args));")
    if p.ret:
        out.append("    memset(&ret, 0, sizeof(ret));")
    for s in p.c_pre:
        out.append("    " + s)
    argf = "(xdrproc_t)xdr_%s, %s" % (argsname, "&args") if p.args else "VK_XDR_VOID, NULL"
    retf = "(xdrproc_t)xdr_%s, %s" % (retname, "&ret") if p.ret else "VK_XDR_VOID, NULL"
    out.append("    if (vkRemoteCall(%s, REMOTE_PROC_%s,\n                     %s,\n                     %s) < 0)\n"
               "        goto cleanup;" % (p.c_conn, p.proc, argf, retf))
    out.append("    called = 1;")
    rk = p.ret_kind
    for s in p.c_post:
        if s:
            out.append("    " + s.replace("CONN", p.c_conn))
    if rk == "status":
        out.append("    rv = 0;")
    elif rk == "int-value":
        out.append("    rv = ret.%s;" % p.ret_field.name)
    elif rk == "ulong":
        out.append("    rv = ret.%s;" % p.ret_field.name)
    elif rk == "string":
        f = p.ret_field
        src = "ret.%s" % f.name if f.xtype == "remote_nonnull_string" else \
            "(ret.%s ? *ret.%s : NULL)" % (f.name, f.name)
        if rtype == "const char *":
            out.append("    rv = g_intern_string(%s);" % src)
        else:
            out.append("    rv = g_strdup(%s);" % src)
    elif rk == "handle":
        kind = HANDLES[rtype][1]
        out.append("    rv = vkRemoteGet%s(%s, &ret.%s);" % (kind, p.c_conn, p.ret_field.name))
    out.append("")
    out.append(" cleanup:")
    for s in p.c_cleanup:
        out.append("    " + s)
    if p.ret:
        out.append("    if (called)\n        xdr_free((xdrproc_t)xdr_%s, (char *)&ret);" % retname)
    else:
        out.append("    (void)called;")
    out.append("    return rv;")
    out.append("}")
    return "\n".join(out) + "\n"


FUNC_INDEX = {}


def main():
    xpath, incdir, apidef, server_out, client_out = sys.argv[1:6]
    structs, procs = parse_x(xpath)
    funcs, cstructs = parse_headers(incdir)
    modes = parse_api_def(apidef)
    for f in funcs:
        FUNC_INDEX[f[3:].upper()] = f
    unknown = INLINE_SAFE - {proc for proc, num in procs}
    if unknown:
        sys.exit("gen-remote.py: INLINE_SAFE names unknown procedures: %s"
                 % ", ".join(sorted(unknown)))
    plans, skipped, table = [], [], []
    for proc, num in procs:
        lower = proc.lower()
        has_args = "remote_%s_args" % lower in structs
        has_ret = "remote_%s_ret" % lower in structs
        if proc in HAND_SERVER:
            fn, flags = HAND_SERVER[proc]
            api = FUNC_OVERRIDE.get(proc) or FUNC_INDEX.get(proc.replace("_", ""))
            table.append((num, proc, has_args, has_ret, fn, "rw" in flags,
                          "noconn" not in flags, "noauth" in flags, api))
            continue
        if "_EVENT_" in proc and "REGISTER" not in proc:
            continue   # MESSAGE bodies, not calls
        try:
            p = plan_proc(proc, num, funcs, cstructs, structs, modes)
        except Unsupported as e:
            skipped.append((num, proc, str(e)))
            continue
        plans.append(p)
        table.append((num, proc, has_args, has_ret, "dispatch" + c_name(p.func),
                      p.mode == "rw", True, False, p.func))
    table.sort()

    with open(server_out, "w") as f:
        f.write("/* Generated by src/rpc/protocol/gen-remote.py: do not edit. */\n")
        f.write("#include <string.h>\n#include <glib.h>\n\n")
        f.write("#define VIR_FROM_THIS VIR_FROM_RPC\n#include \"util/error.h\"\n")
        f.write("#include \"rpc-interfaces.h\"\n#include \"remote_protocol.h\"\n")
        f.write("#include \"remote-convert.h\"\n#include \"daemon/dispatch/dispatch.h\"\n\n")
        f.write("/* Not generated (no rule fits, or no public function):\n")
        for num, proc, why in skipped:
            f.write(" *   %d %s: %s\n" % (num, proc, why))
        f.write(" */\n\n")
        for p in plans:
            f.write(emit_server(p))
            f.write("\n")
        f.write("static const vkServerProc serverProcs[] = {\n")
        for num, proc, ha, hr, fn, mut, needconn, noauth, api in table:
            lower = proc.lower()
            af = "(xdrproc_t)xdr_remote_%s_args, sizeof(remote_%s_args)" % (lower, lower) \
                if ha else "VK_XDR_VOID, 0"
            rf = "(xdrproc_t)xdr_remote_%s_ret, sizeof(remote_%s_ret)" % (lower, lower) \
                if hr else "VK_XDR_VOID, 0"
            f.write("    { %d, \"%s\",\n      %s,\n      %s,\n      %s, %s, %s, %s, %s, %s },\n"
                    % (num, proc, af, rf, fn, "true" if mut else "false",
                       "true" if needconn else "false", "true" if noauth else "false",
                       "true" if proc in INLINE_SAFE and not mut else "false",
                       '"%s"' % api if api else "NULL"))
        f.write("};\n\n")
        f.write(SERVER_TAIL)

    with open(client_out, "w") as f:
        f.write("/* Generated by src/rpc/protocol/gen-remote.py: do not edit. */\n")
        f.write("#include <string.h>\n#include <glib.h>\n\n")
        f.write("#define VIR_FROM_THIS VIR_FROM_REMOTE\n#include \"util/error.h\"\n")
        f.write("#include \"core/driver.h\"\n")
        f.write("#include \"rpc-interfaces.h\"\n#include \"remote_protocol.h\"\n")
        f.write("#include \"remote-convert.h\"\n")
        f.write("/* The members written by hand (CLIENT_HAND). */\n")
        f.write("#include \"drivers/remote/remote-members.h\"\n\n")
        members = []
        for func, fn in sorted(CLIENT_HAND.items()):
            m = c_name(func)
            members.append((member_name(m), fn))
        for p in plans:
            if p.func in CLIENT_SKIP or p.func in CLIENT_HAND:
                continue
            if p.mode not in ("ro", "rw"):
                continue    # no driver member ('hand' in api.def)
            f.write(emit_client(p))
            f.write("\n")
            m = c_name(p.func)
            members.append((member_name(m), "remote" + m))
        f.write("void\nvkRemoteFillGeneratedMembers(virHypervisorDriver *drv)\n{\n")
        for m, fn in members:
            f.write("    drv->%s = %s;\n" % (m, fn))
        f.write("}\n")


SERVER_TAIL = """const vkServerProc *
vkServerProcLookup(int proc)
{
    size_t lo = 0;
    size_t hi = G_N_ELEMENTS(serverProcs);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (serverProcs[mid].proc == proc)
            return &serverProcs[mid];
        if (serverProcs[mid].proc < proc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t
vkServerProcCount(void)
{
    return G_N_ELEMENTS(serverProcs);
}

const vkServerProc *
vkServerProcAt(size_t i)
{
    if (i >= G_N_ELEMENTS(serverProcs))
        return NULL;
    return &serverProcs[i];
}
"""

if __name__ == "__main__":
    main()
