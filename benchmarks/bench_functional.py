"""Time minigrad's autograd.functional against PyTorch's, best of N repetitions.

    python benchmarks/bench_functional.py [--quick]

Cases (each written once against ``lib``, torch or minigrad, on the same data):

* jacobian of a 100 -> 100 map ``tanh(W x + b)``, reverse mode (100 backward
  passes through one graph) and forward mode (100 dual-number passes);
* hessian of a scalar function of 50 inputs (reverse over reverse);
* hvp of a scalar function of 1,000 inputs (the double-backward trick).

Prints a Markdown table: minigrad time, torch time, minigrad/torch, target.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timing import best_times  # noqa: E402 (benchmarks/ is the script's folder)

import minigrad  # noqa: E402

try:
    import torch
except ImportError:  # the table still shows minigrad's times
    torch = None

TARGET = 1.5


def _data():
    rng = np.random.default_rng(0)
    return {
        "W": rng.standard_normal((100, 100), dtype=np.float32) * 0.1,
        "b": rng.standard_normal(100, dtype=np.float32),
        "x": rng.standard_normal(100, dtype=np.float32),
        "x50": rng.standard_normal(50, dtype=np.float32),
        "A50": rng.standard_normal((50, 50), dtype=np.float32) * 0.1,
        "x1k": rng.standard_normal(1000, dtype=np.float32),
        "v1k": rng.standard_normal(1000, dtype=np.float32),
    }


def jacobian_map(lib, d, strategy):
    W, b, x = lib.tensor(d["W"]), lib.tensor(d["b"]), lib.tensor(d["x"])
    F = lib.autograd.functional
    f = lambda x: lib.tanh(W @ x + b)
    if strategy == "forward-mode":
        return lambda: F.jacobian(f, x, vectorize=True, strategy="forward-mode")
    return lambda: F.jacobian(f, x)


def hessian_50(lib, d):
    A, x = lib.tensor(d["A50"]), lib.tensor(d["x50"])
    F = lib.autograd.functional
    f = lambda x: (lib.tanh(A @ x) ** 2).sum() + (x.sin() * x).sum()
    return lambda: F.hessian(f, x)


def hvp_1k(lib, d):
    x, v = lib.tensor(d["x1k"]), lib.tensor(d["v1k"])
    F = lib.autograd.functional
    f = lambda x: (x.sin() * x.exp()).sum() + (x * x).sum() ** 0.5
    return lambda: F.hvp(f, x, v)


CASES = [
    ("jacobian 100->100 tanh(Wx+b), reverse", lambda lib, d: jacobian_map(lib, d, "reverse-mode")),
    ("jacobian 100->100 tanh(Wx+b), forward", lambda lib, d: jacobian_map(lib, d, "forward-mode")),
    ("hessian, 50 inputs", hessian_50),
    ("hvp, 1,000 inputs", hvp_1k),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    reps = 3 if args.quick else 20
    d = _data()
    print("| case | minigrad (ms) | torch (ms) | minigrad/torch | target |")
    print("|---|---:|---:|---:|---:|")
    for name, make in CASES:
        steps = [make(minigrad, d)] + ([make(torch, d)] if torch is not None else [])
        with warnings.catch_warnings():  # torch.jit deprecation noise from forward mode
            warnings.simplefilter("ignore")
            times = best_times(steps, reps)
        mg = times[0]
        if torch is not None:
            ratio, tt_s = f"{mg / times[1]:.2f}", f"{times[1] * 1e3:.2f}"
        else:
            ratio = tt_s = "n/a"
        print(f"| {name} | {mg * 1e3:.2f} | {tt_s} | {ratio} | <= {TARGET} |")


if __name__ == "__main__":
    main()
