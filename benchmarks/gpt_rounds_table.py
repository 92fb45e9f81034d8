#!/usr/bin/env python3
"""The table of benchmarks/gpt-rounds: per round, JitGrad's compiled step (1 and 2 threads, JMH) and PyTorch eager's
(1 thread) in ms, and PyTorch's step over JitGrad's; then the medians over the rounds.

  gpt_rounds_table.py RESULTS_DIR ROUNDS
"""
import json
import statistics
import sys


def jitgrad_medians(path):
    """{threads: median ms} of one JMH fork's compiled step."""
    medians = {}
    for b in json.load(open(path)):
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        medians[int(b["params"]["threads"])] = statistics.median(raw)
    return medians


def main():
    out, rounds = sys.argv[1], int(sys.argv[2])
    one, two = [], []
    print("| round | JitGrad 1 thread | JitGrad 2 threads | PyTorch 1 thread | PyTorch / JitGrad 1 | PyTorch / JitGrad 2 |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in range(1, rounds + 1):
        j = jitgrad_medians("%s/jmh-%d.json" % (out, r))
        torch = statistics.median(json.load(open("%s/torch-%d.json" % (out, r)))["ms_per_step"])
        one.append(torch / j[1])
        two.append(torch / j[2])
        print("| %d | %.2f | %.2f | %.2f | %.2f | %.2f |" % (r, j[1], j[2], torch, one[-1], two[-1]))
    print("| median | | | | %.2f | %.2f |" % (statistics.median(one), statistics.median(two)))


if __name__ == "__main__":
    main()
