#!/usr/bin/env python3
"""Prints the cnn workload's table: JitGrad compiled and tape (JMH CnnStepBenchmark, ms/step) and PyTorch eager
(pytorch/cnn_torch.py), medians [95% CI], and PyTorch's time over each JitGrad mode's."""
import json
import sys

from median_ci import fmt_interval, jmh_samples, median_interval


def main(jmh_path, torch_path):
    f = lambda v: "{:,.2f}".format(v)  # noqa: E731
    torch = json.load(open(torch_path))
    print("| engine | threads | ms/step [95% CI] | B/step | PyTorch eager / this |")
    print("|---|---:|---:|---:|---:|")
    for r in json.load(open(jmh_path)):
        med, lo, hi = median_interval(jmh_samples(r))
        alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        threads = next((a.split("=")[1] for a in r.get("jvmArgs", []) if a.startswith("-Djitgrad.threads=")), "?")
        print("| JitGrad %s | %s | %s | %s | %.2f |" % (r["params"]["mode"], threads, fmt_interval(med, lo, hi, f),
                                                       "" if alloc is None else "{:,.0f}".format(alloc), torch["median"] / med))
    print("| PyTorch %s eager | %d | %s | | |" % (torch["torch"], torch["threads"],
                                                 fmt_interval(torch["median"], torch["low"], torch["high"], f)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
