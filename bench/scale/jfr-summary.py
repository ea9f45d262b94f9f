#!/usr/bin/env python3
"""Summarizes a JFR recording's CPU samples: where a goal spends its time.

    MAVEN_OPTS="-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=filename=goal.jfr,settings=profile" \
        mvn … pack-binaries:audit …
    python3 bench/scale/jfr-summary.py goal.jfr [N]

Prints the N (default 25) hottest top frames, the hottest frames of the plugin's own code
(io.attune, inclusive: a sample counts once for each of our methods on its stack; JFR keeps 64
frames unless stackdepth says more), the threads, and the time threads spent waiting (parks,
socket and file I/O over JFR's thresholds) by the innermost plugin frame. On a loaded machine JFR samples only threads
that run: time spent waiting for a CPU or the network shows as fewer samples, not as frames.
Standard library and the JDK's `jfr` tool only.
"""
import json
import re
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

# Wall time: what the goal's threads waited on (parks, socket and file reads and writes above
# JFR's thresholds), summed by the innermost plugin frame, since CPU samples miss waiting.
raw = subprocess.run(
    ["jfr", "print", "--json", "--stack-depth", "256", "--events",
     "jdk.ThreadPark,jdk.SocketRead,jdk.SocketWrite,jdk.FileRead,jdk.FileWrite,jdk.JavaMonitorWait", path],
    check=True, capture_output=True, text=True).stdout
waits = Counter()


def seconds(duration):
    """JFR's JSON durations: ISO-8601 ("PT0.0123S", "PT1M2.5S"), or nanoseconds."""
    if not isinstance(duration, str):
        return duration / 1e9
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", duration)
    if not m:
        return 0.0
    h, mi, sec = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(sec or 0)


for e in json.loads(raw)["recording"]["events"]:
    values = e["values"]
    thread = (values.get("eventThread") or {}).get("javaName") or "?"
    frames = (values.get("stackTrace") or {}).get("frames") or []
    ours = next((name(f) for f in frames if name(f).startswith("io.attune")), "(not ours)")
    waits[(thread, e["type"].split(".")[-1], ours)] += seconds(values.get("duration", 0))
print("\n== waiting, seconds (thread, event, innermost io.attune frame)")
for (thread, kind, what), total in waits.most_common(n):
    print(f"{total:8.3f}  {thread[:28]:28s} {kind:14s} {what}")
