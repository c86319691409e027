#!/usr/bin/env python3
"""Print meson's test results as one closing line, 'N passed, N failed, N skipped'.

Reads the JSON log meson test writes (BUILD/meson-logs/testlog.json)."""
import json
import sys

passed = failed = skipped = 0
with open(sys.argv[1]) as log:
    for line in log:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
