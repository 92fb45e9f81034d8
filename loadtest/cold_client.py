#!/usr/bin/env python3
"""A cold outside client of `jitgrad serve`, in Python 3 with the standard library only.

It does no warm-up of its own: it polls GET /health until the server says it is ready (200), then at once
sends single-image POST /predict requests at a fixed rate on one keep-alive connection, counting every one
from the first, while an uploader process streams the MNIST training set into POST /train (over and over,
until the run's duration is up). Latency is measured from each request's scheduled time, so a stall is not
hidden by the requests it delays. At the end it waits for the trainer to catch up and compares the server's
counters (GET /metrics) with what it sent.

    python3 loadtest/cold_client.py --url http://127.0.0.1:18080 --data data/mnist [--duration 20] [--rate 200]
                                    [--lines 100] [--upload-connections 3] [--ready-timeout 180]

Prints p50/p90/p99/p99.9/max client-side, the examples/s trained, and whether the counters are consistent;
exits 1 when a request failed or the counters disagree (not when the latency goal is missed).
The uploader runs in a process of its own at nice 10, like the server's background threads, so that building
and sending 170 MB of CSV does not hold this process's interpreter lock while a prediction is due.
"""
import argparse
import gzip
import http.client
import json
import math
import multiprocessing
import os
import random
import struct
import sys
import threading
import time
import urllib.parse

PREDICT_GOAL_MS = 10.0


def read_idx(path):
    """An IDX file (gzip or not) as (dims, bytes)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    body = data[4 + 4 * rank:]
    count = 1
    for d in dims:
        count *= d
    if len(body) != count:
        raise ValueError(f"{path}: header says {dims} ({count} bytes), the file holds {len(body)}")
    return dims, body


def find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"no {stem}[.gz] in {data_dir}")


def load_mnist(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    (n, rows, cols), images = read_idx(find(data_dir, f"{prefix}-images-idx3-ubyte"))
    (m,), labels = read_idx(find(data_dir, f"{prefix}-labels-idx1-ubyte"))
    if n != m:
        raise ValueError(f"{split}: {n} images but {m} labels")
    return n, rows * cols, images, labels


# A pixel byte b as the server expects it: the float32 nearest b / 255, written so that it reads back exactly.
PIXEL = [b"0"] + [("%.9g" % struct.unpack("f", struct.pack("f", b / 255.0))[0]).encode() for b in range(1, 256)]


def csv_rows(images, labels, features, start, count, with_labels):
    lines = []
    for i in range(start, start + count):
        row = b",".join(map(PIXEL.__getitem__, images[i * features:(i + 1) * features]))
        lines.append(b"%d," % labels[i] + row if with_labels else row)
    return b"\n".join(lines) + b"\n"


class Connection:
    """One keep-alive HTTP/1.1 connection (http.client sets TCP_NODELAY), reopened once if the server closed it."""

    def __init__(self, host, port, timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def request(self, method, path, body=None):
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                headers = {"Content-Type": "text/csv"} if body is not None else {}
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, data
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 1:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def metrics(host, port):
    c = Connection(host, port)
    try:
        status, body = c.request("GET", "/metrics")
    finally:
        c.close()
    if status != 200:
        raise RuntimeError(f"/metrics answered {status}: {body[:200]!r}")
    return json.loads(body)


def train_bodies(data_dir, lines, cache_dir):
    """The /train bodies of the MNIST training set, `lines` examples each; kept in `cache_dir` (if given) for next time."""
    source = find(data_dir, "train-images-idx3-ubyte")
    st = os.stat(source)
    cache = None
    if cache_dir:
        os.makedirs(cache_dir, exist_ok=True)
        cache = os.path.join(cache_dir, f"mnist-train-{lines}-lines-{st.st_size}-{int(st.st_mtime)}.bodies")
        if os.path.exists(cache):
            bodies = []
            with open(cache, "rb") as f:
                data = f.read()
            at = 0
            while at < len(data):
                (size,) = struct.unpack_from(">I", data, at)
                if at + 4 + size > len(data):
                    raise ValueError(f"{cache}: truncated; delete it")
                bodies.append(data[at + 4:at + 4 + size])
                at += 4 + size
            return bodies
    n, features, images, labels = load_mnist(data_dir, "train")
    bodies = [csv_rows(images, labels, features, s, min(lines, n - s), True) for s in range(0, n, lines)]
    if cache:
        tmp = cache + f".{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            for b in bodies:
                f.write(struct.pack(">I", len(b)))
                f.write(b)
        os.replace(tmp, cache)
    return bodies


def uploader(host, port, data_dir, lines, cache_dir, connections, start, stop, result):
    """Process body: build the /train bodies, wait for `start`, then stream them until `stop` (repeating the set)."""
    try:
        os.nice(10)
    except OSError:
        pass
    bodies = train_bodies(data_dir, lines, cache_dir)
    result.put(("prepared", sum(len(b) for b in bodies), len(bodies)))
    start.wait()
    lock = threading.Lock()
    state = {"next": 0, "sent": 0, "requests": 0, "retries429": 0, "error": None}

    def run():
        c = Connection(host, port)
        try:
            while not stop.is_set():
                with lock:
                    i = state["next"]
                    state["next"] += 1
                body = bodies[i % len(bodies)]
                while True:
                    status, reply = c.request("POST", "/train", body)
                    if status == 202:
                        with lock:
                            state["sent"] += json.loads(reply)["accepted"]
                            state["requests"] += 1
                        break
                    if status != 429:
                        raise RuntimeError(f"/train answered {status}: {reply[:300]!r}")
                    with lock:
                        state["retries429"] += 1
                    if stop.is_set():
                        return
                    time.sleep(0.005)
        except Exception as e:  # reported to the parent, which fails the run
            with lock:
                state["error"] = state["error"] or repr(e)
            stop.set()
        finally:
            c.close()

    threads = [threading.Thread(target=run, name=f"upload-{k}") for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.put(("done", state["sent"], state["requests"], state["retries429"], state["error"]))


def percentile(sorted_ms, q):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return float("nan")
    rank = max(1, math.ceil(round(q * len(sorted_ms), 9)))  # the round drops float noise such as 3960.0000000000005
    return sorted_ms[min(len(sorted_ms), rank) - 1]


def say(text=""):
    print(text, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:18080")
    ap.add_argument("--data", default="data/mnist", help="directory with the MNIST IDX files (gzipped or not)")
    ap.add_argument("--duration", type=float, default=20, help="seconds of predictions while uploading (default 20, at most 60)")
    ap.add_argument("--rate", type=float, default=200, help="single-image /predict requests per second (default 200)")
    ap.add_argument("--lines", type=int, default=100, help="examples per /train request (default 100)")
    ap.add_argument("--upload-connections", type=int, default=3, help="parallel /train connections (default 3)")
    ap.add_argument("--ready-timeout", type=float, default=180, help="seconds to wait for /health to answer 200 (default 180)")
    ap.add_argument("--ready-path", default="/health", help="path polled until it answers 200 (default /health)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--trace", default=None, help="write each prediction's start offset (s) and latency (ms) to this file")
    ap.add_argument("--cache", default=None, help="directory to keep the prepared /train bodies in between runs (default: none)")
    a = ap.parse_args()
    if not 0 < a.duration <= 60:
        ap.error("--duration must be in (0, 60]")
    if not 0 < a.rate <= 5000:
        ap.error("--rate must be in (0, 5000]")
    u = urllib.parse.urlsplit(a.url)
    host, port = u.hostname, u.port or 80

    t_start = time.monotonic()
    tn, tf, timages, tlabels = load_mnist(a.data, "test")
    singles = [csv_rows(timages, tlabels, tf, i, 1, False) for i in range(tn)]
    ctx = multiprocessing.get_context("fork")
    start, stop, result = ctx.Event(), ctx.Event(), ctx.Queue()
    up = ctx.Process(target=uploader, args=(host, port, a.data, a.lines, a.cache, a.upload_connections, start, stop, result),
                     name="uploader", daemon=True)
    up.start()
    _, csv_bytes, requests = result.get(timeout=300)
    say(f"cold client: {tn} test images as single-line /predict bodies; the uploader has {requests} /train bodies of "
        f"{a.lines} lines ({csv_bytes / 1e6:.0f} MB of CSV), prepared in {time.monotonic() - t_start:.1f} s")

    # ---- wait for readiness: no request other than this poll reaches the server before it says ready
    t_poll = time.monotonic()
    polls, last = 0, None
    while True:
        polls += 1
        try:
            c = Connection(host, port, timeout=5)
            status, body = c.request("GET", a.ready_path)
            c.close()
            last = (status, body[:200])
            if status == 200:
                break
        except OSError as e:
            last = repr(e)
        if time.monotonic() - t_poll > a.ready_timeout:
            say(f"cold client: {a.ready_path} did not answer 200 within {a.ready_timeout:.0f} s (last: {last})")
            stop.set()
            start.set()
            return 1
        time.sleep(0.05)
    say(f"cold client: {a.ready_path} answered 200 after {time.monotonic() - t_poll:.2f} s of polling ({polls} polls): "
        f"{body.decode(errors='replace').strip()}")
    m0 = metrics(host, port)

    # ---- predictions at a fixed rate from the first request, while the uploader streams /train
    rnd = random.Random(a.seed)
    period = 1.0 / a.rate
    conn = Connection(host, port)
    lat_ms, errors, correct = [], 0, 0
    start.set()
    t0 = time.monotonic()
    end = t0 + a.duration
    k = 0
    while True:
        scheduled = t0 + k * period
        if scheduled >= end or stop.is_set():  # time is up, or the uploader failed
            break
        now = time.monotonic()
        if now < scheduled:
            time.sleep(scheduled - now)
        i = rnd.randrange(tn)
        try:
            status, body = conn.request("POST", "/predict", singles[i])
        except OSError as e:
            status, body = -1, repr(e).encode()
        done = time.monotonic()
        lat_ms.append((done - scheduled) * 1000.0)
        if status == 200:
            if json.loads(body)["classes"][0] == tlabels[i]:
                correct += 1
        else:
            errors += 1
            if errors <= 3:
                say(f"cold client: /predict answered {status}: {body[:200]!r}")
        k += 1
    t_predicted = time.monotonic()
    stop.set()
    conn.close()
    msg = result.get(timeout=120)
    up.join(30)
    _, sent, train_requests, retries429, upload_error = msg

    # ---- the trainer catches up; then the counters
    accepted0, trained0 = m0["accepted_examples"], m0["trained_examples"]
    peak = 0.0
    deadline = time.monotonic() + 60
    while True:
        m = metrics(host, port)
        peak = max(peak, m["train_examples_per_s"])
        if m["trained_examples"] == m["accepted_examples"] or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    t_trained = time.monotonic()
    trained = m["trained_examples"] - trained0
    accepted = m["accepted_examples"] - accepted0
    predicted = m["predict_requests"] - m0["predict_requests"]
    full = m["rejected_queue_full"] - m0["rejected_queue_full"]
    rejected = m["rejected_requests"] - m0["rejected_requests"]

    if a.trace:
        with open(a.trace, "w") as f:
            f.write(f"# t0 (time.monotonic) {t0:.6f}; columns: scheduled offset s, latency ms\n")
            for k, x in enumerate(lat_ms):
                f.write(f"{k * period:.4f} {x:.3f}\n")
    lat = sorted(lat_ms)
    n = len(lat)
    say()
    say(f"predict: {n} requests of 1 image at {a.rate:.0f}/s from the first request after ready "
        f"({n / (t_predicted - t0):.1f}/s achieved, {errors} errors, {correct / max(1, n - errors) * 100:.1f}% correct), "
        f"client-side latency p50 {percentile(lat, 0.50):.2f} ms, p90 {percentile(lat, 0.90):.2f} ms, "
        f"p99 {percentile(lat, 0.99):.2f} ms, p99.9 {percentile(lat, 0.999):.2f} ms, max {lat[-1]:.2f} ms")
    worst = max(range(n), key=lat_ms.__getitem__)
    say(f"  first 5 requests: {', '.join(f'{x:.2f}' for x in lat_ms[:5])} ms; the slowest was request #{worst + 1} "
        f"at {worst * period:.2f} s; over 10 ms: {sum(1 for x in lat_ms if x > PREDICT_GOAL_MS)}")
    sl = m["predict_latency_ms"]
    say(f"  server-side (handler, /metrics: every prediction since the server became ready): p50 {sl['p50']:.2f} ms, "
        f"p99 {sl['p99']:.2f} ms, max {sl['max']:.2f} ms over {sl['count']} requests")
    say(f"training: {sent} examples sent in {train_requests} requests by {a.upload_connections} connections "
        f"({retries429} x 429 retried) over {t_predicted - t0:.2f} s; all trained after {t_trained - t0:.2f} s: "
        f"{trained / (t_trained - t0):.0f} examples/s (peak 5-s window {peak:.0f} examples/s)")
    consistent = (accepted == sent and trained == accepted and m["queue_depth"] == 0 and m["in_flight_examples"] == 0
                  and predicted == n and full == retries429 and rejected == retries429 + errors)
    say(f"counters (server deltas over the run): sent {sent}, accepted {accepted}, trained {trained}, queue_depth "
        f"{m['queue_depth']}, in_flight {m['in_flight_examples']}; predictions sent {n}, predict_requests {predicted}; "
        f"429s seen {retries429}, rejected_queue_full {full}, rejected_requests {rejected}: "
        f"{'consistent' if consistent else 'INCONSISTENT'}")
    p99 = percentile(lat, 0.99)
    say(f"goal p99 <= {PREDICT_GOAL_MS:.0f} ms from the first request: {'met' if p99 <= PREDICT_GOAL_MS else 'NOT met'} "
        f"(p99 {p99:.2f} ms)")
    if upload_error:
        say(f"cold client: the uploader failed: {upload_error}")
    return 0 if consistent and not errors and not upload_error else 1


if __name__ == "__main__":
    sys.exit(main())
