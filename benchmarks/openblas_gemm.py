"""OpenBLAS single-precision GEMM on the shapes of GemmBenchmark, for the side-by-side in GEMM_RESULTS.md.

Usage: source benchmarks/openblas-core; env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 benchmarks/openblas_gemm.py
(needs a numpy built on OpenBLAS, e.g. pip's numpy; Debian's python3-numpy uses the reference BLAS here).
Prints, per shape, the median over 7 timed batches of >= 2 GFLOP each, after a warm-up batch.
"""
import time
import numpy as np

SHAPES = [("sq256", 256, 256, 256, 0, 0), ("sq512", 512, 512, 512, 0, 0), ("sq1024", 1024, 1024, 1024, 0, 0),
          ("mnist_fwd", 64, 784, 256, 0, 0), ("mnist_dW", 784, 64, 256, 1, 0), ("mnist_dX", 64, 256, 784, 0, 1),
          ("wide_fwd", 256, 1024, 1024, 0, 0), ("wide_dW", 1024, 256, 1024, 1, 0), ("wide_dX", 256, 1024, 1024, 0, 1),
          ("small16", 16, 32, 64, 0, 0), ("small32", 32, 64, 64, 0, 0)]

rng = np.random.default_rng(0)
for name, m, k, n, ta, tb in SHAPES:
    a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
    a_op = a.T if ta else a
    b_op = b.T if tb else b
    c = np.empty((m, n), np.float32)
    flops = 2.0 * m * n * k
    reps = max(3, int(2e9 / flops))
    for _ in range(reps):
        np.matmul(a_op, b_op, out=c)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a_op, b_op, out=c)
        times.append((time.perf_counter() - t) / reps)
    times.sort()
    med = times[3]
    print(f"{name:10s} {m}x{k}x{n} tA={ta} tB={tb}: median {med * 1e6:9.1f} us  {flops / med / 1e9:7.1f} GFLOP/s"
          f"  (best {flops / times[0] / 1e9:.1f}, worst {flops / times[-1] / 1e9:.1f})", flush=True)
