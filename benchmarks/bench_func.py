"""Time minigrad's torch.func transforms against PyTorch's, at 64, 256 and 512 inputs.

    python benchmarks/bench_func.py [--quick] [--sizes 64 256 512]

Cases (issue 17; each written once against ``lib``, torch or minigrad, on the same data):

* ``jacfwd(jacfwd(f))`` and ``jacrev(jacrev(f))`` of ``f(x) = tanh(W x + b)``, 32 outputs,
  n inputs: the 32 x n x n second derivative;
* ``hessian`` of the tutorial's ``predict(weight, bias, x) = tanh(weight @ x + bias)``
  w.r.t. ``x`` (PyTorch's "Jacobians, Hessians, hvp, vhp, and more" tutorial: 32
  outputs, 512 inputs), and of the scalar ``sum(predict(...))``;
* ``vmap(grad(loss))``: per-example gradients of the squared error of a linear model
  (16 features, 4 outputs) over a batch of n examples.

Prints a Markdown table: minigrad time, torch time, minigrad/torch, and at the end
how each grows from the smallest size to the largest (minigrad's growth / torch's).
Target: minigrad/torch <= 3 at every size, growing no faster than torch's.

Times are CPU times of this process, the best of several runs, with one thread for
each library (``--threads``: torch's intra-op threads, NumPy's BLAS): the machine
is shared, and a busy neighbour stretches wall-clock times (and a spinning second
thread far more) without changing the CPU either library needs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings


def _threads() -> int:
    """``--threads N`` (default 1), read before NumPy starts its BLAS threads."""
    argv = sys.argv
    return int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 1


for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(_threads())

import numpy as np  # noqa: E402 (after the thread counts)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timing import best_times  # noqa: E402 (benchmarks/ is the script's folder)

import minigrad  # noqa: E402

try:
    import torch
except ImportError:  # the table still shows minigrad's times
    torch = None

TARGET = 3.0


def _data(n: int) -> dict:
    rng = np.random.default_rng(n)
    return {
        "W": (rng.standard_normal((32, n)) / np.sqrt(n)).astype(np.float32),
        "b": rng.standard_normal(32, dtype=np.float32),
        "x": rng.standard_normal(n, dtype=np.float32),
        "w": rng.standard_normal((4, 16), dtype=np.float32),
        "c": rng.standard_normal(4, dtype=np.float32),
        "X": rng.standard_normal((n, 16), dtype=np.float32),
        "Y": rng.standard_normal((n, 4), dtype=np.float32),
    }


def _predict(lib):
    return lambda weight, bias, x: lib.tanh(weight @ x + bias)


def fwdfwd(lib, d):
    W, b, x = (lib.tensor(d[k]) for k in "Wbx")
    f = lambda x: lib.tanh(W @ x + b)
    return lambda: lib.func.jacfwd(lib.func.jacfwd(f))(x)


def revrev(lib, d):
    W, b, x = (lib.tensor(d[k]) for k in "Wbx")
    f = lambda x: lib.tanh(W @ x + b)
    return lambda: lib.func.jacrev(lib.func.jacrev(f))(x)


def hessian_predict(lib, d):
    W, b, x = (lib.tensor(d[k]) for k in "Wbx")
    return lambda: lib.func.hessian(_predict(lib), argnums=2)(W, b, x)


def hessian_scalar(lib, d):
    W, b, x = (lib.tensor(d[k]) for k in "Wbx")
    predict = _predict(lib)
    return lambda: lib.func.hessian(lambda x: predict(W, b, x).sum())(x)


def per_example_grads(lib, d):
    w, c, X, Y = (lib.tensor(d[k]) for k in "wcXY")

    def loss(w, c, x, y):
        r = w @ x + c - y
        return (r * r).mean()

    g = lib.func.vmap(lib.func.grad(loss, argnums=(0, 1)), in_dims=(None, None, 0, 0))
    return lambda: g(w, c, X, Y)


CASES = [("jacfwd(jacfwd(f))", fwdfwd), ("jacrev(jacrev(f))", revrev),
         ("hessian(predict)", hessian_predict), ("hessian(sum(predict))", hessian_scalar),
         ("vmap(grad(loss))", per_example_grads)]


def _check(case, d) -> None:
    """minigrad's result equals torch's (to float32's roundings)."""
    ours = case(minigrad, d)()
    theirs = case(torch, d)()
    flat_o = ours if isinstance(ours, tuple) else (ours,)
    flat_t = theirs if isinstance(theirs, tuple) else (theirs,)
    for o, t in zip(flat_o, flat_t, strict=True):
        assert np.allclose(o.numpy(), t.numpy(), rtol=1e-4, atol=1e-5), case.__name__


def best_cpu_times(steps, reps: int, seconds: float) -> list[float]:
    """The least CPU time of at least ``reps`` runs of each step (timing.best_times)."""
    return best_times(steps, reps, seconds, clock=time.process_time, most=2000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 256, 512])
    ap.add_argument("--rounds", type=int, default=2,
                    help="time every case this many times, keep the best (the machine is shared)")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads for torch and for NumPy's BLAS (default 1)")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    reps = 2 if args.quick else 5
    if torch is not None:
        torch.set_num_threads(args.threads)
    print(f"load average: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} cores); CPU times, "
          f"{args.threads} thread(s) for torch and for NumPy's BLAS\n")
    print("| case | n | minigrad | torch | minigrad/torch |")
    print("|---|---:|---:|---:|---:|")
    times: dict = {}
    for label, case in CASES:
        for n in args.sizes:
            d = _data(n)
            steps = [case(minigrad, d)]
            if torch is not None:
                _check(case, d)
                steps.append(case(torch, d))
            best = best_cpu_times(steps, reps, seconds=1.0)
            for _ in range(args.rounds - 1):
                best = [min(a, b) for a, b in zip(best, best_cpu_times(steps, reps, 1.0),
                                                  strict=True)]
            times[label, n] = best
            ratio = f"{best[0] / best[1]:.2f}" if len(best) > 1 else "-"
            theirs = f"{best[1] * 1e3:.1f} ms" if len(best) > 1 else "-"
            print(f"| {label} | {n} | {best[0] * 1e3:.1f} ms | {theirs} | {ratio} |",
                  flush=True)
    if torch is None:
        return
    lo, hi = args.sizes[0], args.sizes[-1]
    print(f"\nGrowth from n = {lo} to n = {hi} (time at {hi} / time at {lo}):\n")
    print("| case | minigrad | torch | target: minigrad/torch <= 3, growth <= torch's |")
    print("|---|---:|---:|---|")
    for label, _ in CASES:
        (m0, t0), (m1, t1) = times[label, lo], times[label, hi]
        ratio_ok = all(times[label, n][0] <= TARGET * times[label, n][1] for n in args.sizes)
        growth_ok = m1 / m0 <= t1 / t0 * 1.1  # (10%: the machine's noise)
        faster = all(times[label, n][0] <= times[label, n][1] for n in args.sizes)
        verdict = ("met" if ratio_ok and growth_ok else
                   "ratio met; grows faster, from a smaller time (faster than torch at every n)"
                   if ratio_ok and faster else
                   "ratio met, growth NOT met" if ratio_ok else "NOT met")
        print(f"| {label} | {m1 / m0:.1f}x | {t1 / t0:.1f}x | {verdict} |")


if __name__ == "__main__":
    main()
