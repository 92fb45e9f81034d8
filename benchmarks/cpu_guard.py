#!/usr/bin/env python3
"""Watches for CPU used by processes outside benchmarks/run while it measures: on a 2-core machine a
concurrent build or benchmark skews every figure, and JMH cannot see it.

  cpu_guard.py watch OUT.json   samples /proc every second until SIGTERM, then writes a summary to OUT.json:
                                the CPU seconds of processes outside this session, per second of wall time
  cpu_guard.py report OUT.json  prints a one-line warning if others used more than 0.2 cores on average
"""
import json
import os
import signal
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot():
    """pid -> (session id, utime+stime ticks, command) of every process."""
    procs = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        close = stat.rfind(")")
        comm = stat[stat.find("(") + 1:close]
        fields = stat[close + 2:].split()
        # fields[0] is field 3 (state): session is field 6, utime 14, stime 15
        procs[int(entry)] = (int(fields[3]), int(fields[11]) + int(fields[12]), comm)
    return procs


def watch(out):
    me = os.getsid(0)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    start = time.monotonic()
    prev = snapshot()
    others = 0.0
    by_command = {}
    while not stop:
        time.sleep(1.0)
        cur = snapshot()
        for pid, (sid, ticks, comm) in cur.items():
            if sid == me or pid not in prev:
                continue
            delta = (ticks - prev[pid][1]) / TICKS
            if delta > 0:
                others += delta
                by_command[comm] = by_command.get(comm, 0.0) + delta
        prev = cur
    wall = time.monotonic() - start
    top = sorted(by_command.items(), key=lambda kv: -kv[1])[:3]
    with open(out, "w") as f:
        json.dump({"wall_s": wall, "other_cpu_s": others, "other_cores": others / wall if wall else 0.0,
                   "top": top}, f)


def report(path):
    with open(path) as f:
        s = json.load(f)
    if s["other_cores"] > 0.2:
        top = ", ".join(f"{c} {t:.0f} s" for c, t in s["top"])
        print()
        print(f"**WARNING: other processes used {s['other_cores']:.2f} cores on average during the JitGrad"
              f" measurement ({s['other_cpu_s']:.0f} CPU s in {s['wall_s']:.0f} s; {top}): the figures are"
              " skewed, re-run on a quiet machine.**")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("watch", "report"):
        sys.exit(__doc__)
    watch(sys.argv[2]) if sys.argv[1] == "watch" else report(sys.argv[2])
