#!/usr/bin/env python3
"""One Markdown table of the GPT step benchmark: JMH's GptStepBenchmark JSON, then gpt_torch.py step --json files.

  gpt_table.py jmh-gpt.json torch-1.json [torch-2.json ...]
Medians with 95% intervals (order statistics), JitGrad's bytes allocated per step, and PyTorch's best median over
each row's median.
"""
import json
import sys

from median_ci import fmt_interval, median_interval


def cell(samples):
    med, low, high = median_interval(samples)
    return med, fmt_interval(med, low, high, lambda v: "{:,.2f}".format(v))


def main():
    jmh = json.load(open(sys.argv[1]))
    torch_rows = [json.load(open(f)) for f in sys.argv[2:]]
    best = min(cell(t["ms_per_step"])[0] for t in torch_rows) if torch_rows else None
    print("| engine | threads | ms/step [95% CI] | B/step | PyTorch's best / this |")
    print("|---|---:|---:|---:|---:|")
    for b in jmh:
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        med, text = cell(raw)
        alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", b["secondaryMetrics"].get("·gc.alloc.rate.norm"))
        ratio = "%.2f" % (best / med) if best else ""
        print("| JitGrad %s | %s | %s | %s | %s |" % (b["params"]["mode"], b["params"]["threads"], text,
                                                   "{:,.0f}".format(alloc["score"]) if alloc else "", ratio))
    for t in torch_rows:
        med, text = cell(t["ms_per_step"])
        print("| PyTorch eager | %d | %s | | %.2f |" % (t["threads"], text, best / med))


if __name__ == "__main__":
    sys.path.insert(0, ".")
    main()
