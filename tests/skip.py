#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Stands in for a test this build cannot run, so that it stays in the list:
prints the reason and exits 77, which meson reports as SKIP.

Usage: skip.py REASON...
"""
import sys

print("SKIP: " + " ".join(sys.argv[1:]))
sys.exit(77)
