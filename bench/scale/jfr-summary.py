#!/usr/bin/env python3
"""Summarizes a JFR recording's CPU samples: where a goal spends its time.

    MAVEN_OPTS="-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=filename=goal.jfr,settings=profile" \
        mvn … pack-binaries:audit …
    python3 bench/scale/jfr-summary.py goal.jfr [N]

Prints the N (default 25) hottest top frames, the hottest frames of the plugin's own code
(io.attune, inclusive: a sample counts once for each of our methods on its stack; JFR keeps 64
frames unless stackdepth says more) and the threads. On a loaded machine JFR samples only threads
that run: time spent waiting for a CPU or the network shows as fewer samples, not as frames.
Standard library and the JDK's `jfr` tool only.
"""
import json
import subprocess
import sys
from collections import Counter

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
raw = subprocess.run(
    ["jfr", "print", "--json", "--stack-depth", "256", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", path],
    check=True, capture_output=True, text=True).stdout
events = json.loads(raw)["recording"]["events"]


def name(frame):
    m = frame["method"]
    return f'{m["type"]["name"]}.{m["name"]}'


top, ours, threads, kinds = Counter(), Counter(), Counter(), Counter()
for e in events:
    kinds[e["type"]] += 1
    frames = (e["values"].get("stackTrace") or {}).get("frames") or []
    thread = (e["values"].get("sampledThread") or {}).get("javaName") or "?"
    threads[(e["type"].split(".")[-1], thread)] += 1
    if not frames:
        continue
    top[(e["type"].split(".")[-1], name(frames[0]))] += 1
    for f in {name(f) for f in frames if name(f).startswith("io.attune")}:
        ours[(e["type"].split(".")[-1], f)] += 1

print("samples:", dict(kinds))
for title, counter in (("top frames", top), ("io.attune frames (inclusive)", ours), ("threads", threads)):
    print(f"\n== {title}")
    for (kind, what), count in counter.most_common(n):
        print(f"{count:6d}  {kind:18s} {what}")
