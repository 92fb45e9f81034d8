"""The median of a benchmark's samples and a distribution-free confidence interval for it.

The benchmark tables report medians, not means: one preempted iteration on a shared 2-core host moves a mean by
several percent but leaves the median where the other iterations put it. The interval comes from order statistics
(the number of samples below the true median is Binomial(n, 1/2)), so it assumes nothing about the timing
distribution. With JMH's usual 2 forks x 5 iterations (n = 10) the 95% interval is the 2nd to the 9th smallest
sample (coverage 97.9%); below n = 6 no pair of samples reaches 95% and the interval is reported as unknown.
"""
import math
import statistics


def median_interval(samples, level=0.95):
    """Returns (median, low, high); low and high are None when n is too small to reach the level."""
    xs = sorted(float(x) for x in samples)
    n = len(xs)
    if n == 0:
        raise ValueError("no samples")
    med = statistics.median(xs)
    # Largest j with P(Binomial(n, 1/2) < j) <= (1 - level) / 2; the interval is [x_(j), x_(n+1-j)] (1-based).
    tail = (1.0 - level) / 2.0
    below, j = 0.0, 0
    while j < n:
        below += math.comb(n, j) / 2.0 ** n
        if below > tail:
            break
        j += 1
    if j == 0:
        return med, None, None
    return med, xs[j - 1], xs[n - j]


def jmh_samples(result):
    """Every measured iteration of one JMH result (all forks), in JMH's score unit."""
    return [float(x) for fork in result["primaryMetric"]["rawData"] for x in fork]


def fmt_interval(med, low, high, fmt):
    """'median [low, high]' with fmt applied to each number; '[n/a]' when the interval is unknown."""
    if low is None:
        return f"{fmt(med)} [n/a]"
    return f"{fmt(med)} [{fmt(low)}, {fmt(high)}]"
