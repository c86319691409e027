#!/usr/bin/env python3
"""Run rpcgen on one .x file and tidy its output for a -Wall -Wextra build.

usage: rpcgen-wrap.py RPCGEN (-h|-c) INPUT.x OUTPUT

rpcgen names the header it includes after its input path, so the .x is
copied next to the output and rpcgen runs there on the bare file name.
The only edits to its output: every XDR routine declares a scratch
'register int32_t *buf' (and some an 'int i') that most never use.
"""
import os
import shutil
import subprocess
import sys


def main():
    rpcgen, mode, src, out = sys.argv[1:5]
    outdir = os.path.dirname(os.path.abspath(out))
    base = os.path.basename(src)
    dst = os.path.join(outdir, base)
    if not os.path.exists(dst) or not os.path.samefile(src, dst):
        # -h and -c run in parallel: copy atomically.
        shutil.copyfile(src, dst + "." + mode[1:])
        os.replace(dst + "." + mode[1:], dst)
    # rpcgen derives the include guard from the output name: keep it.
    tmpdir = os.path.join(outdir, "rpcgen" + mode)
    os.makedirs(tmpdir, exist_ok=True)
    tmp = os.path.join(tmpdir, os.path.basename(out))
    subprocess.run([rpcgen, "-C", mode, base, "-o", tmp], cwd=outdir, check=True)
    with open(tmp) as f:
        text = f.read()
    os.unlink(tmp)
    text = text.replace("register int32_t *buf;",
                        "int32_t *buf __attribute__((unused));")
    text = text.replace("\tint i;\n", "\tint i __attribute__((unused));\n")
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
