"""Time minigrad against PyTorch: forward plus backward, best of N repetitions.

    python benchmarks/bench_engine.py [--quick] [--gc-off] [--run-by-run] [--floors]
        [--torch-threads N] [--cases a,b,f]

Every case is written once, against a module ``lib`` that is either ``torch``
or ``minigrad`` (the APIs agree), and runs on the same NumPy-made data.
The timing loop (``timing.measure``) warms up first, lets minigrad and torch
take turns in blocks of runs (``--run-by-run``: every other run, as this
benchmark did before issue 16; then each library's idle threads, which spin
for a while after their work, take cores from the other's timed runs), and
keeps the best of N runs of each (the least disturbed by whatever else the
machine is doing); N is at least 15, and as many runs as fit in about 3 s per
case, so small cases run thousands of times.  The
garbage collector stays on, as in a user's program (``--gc-off``: off while
timing, as this benchmark measured before issue 16).  Each run's page faults
are counted (``getrusage``): a fresh page mapped in is a fault, and a freed
large temporary given back to the system costs one per 4 KiB when next made.

It prints a Markdown table (minigrad time, torch time, minigrad/torch, page
faults per run of each, and the target), then the peak memory of a
1,000,000-op chain's backward, measured in a fresh subprocess (so the peak is
that chain's alone).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timing import measure  # noqa: E402 (benchmarks/ is the script's folder)

import minigrad  # noqa: E402

try:
    import torch
except ImportError:  # the table still shows minigrad's times
    torch = None

CHAIN_DEPTH = 1_000_000
MEMORY_TARGET = 1024**3


# The cases: each takes a library and returns a step() that runs forward + backward ----

def chain_300(lib):
    """(a) 300 ops (mul, add, sin, exp in turn) on a 3-element tensor."""
    x = lib.tensor(np.array([0.1, 0.2, 0.3]), requires_grad=True)

    def step():
        x.grad = None
        y = x
        for _ in range(75):
            y = (y * 0.9 + 0.1).sin().exp()
        y.sum().backward()
    return step


def tanh_mlp(lib):
    """(b) a 2-16-16-1 tanh MLP on 32 points, MSE loss."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((32, 2), dtype=np.float32))
    target = lib.tensor(rng.standard_normal((32, 1), dtype=np.float32))
    params = [lib.tensor(rng.standard_normal(s, dtype=np.float32) * 0.5, requires_grad=True)
              for s in [(2, 16), (16,), (16, 16), (16,), (16, 1), (1,)]]
    w1, b1, w2, b2, w3, b3 = params

    def step():
        for p in params:
            p.grad = None
        h = (x @ w1 + b1).tanh()
        h = (h @ w2 + b2).tanh()
        loss = ((h @ w3 + b3 - target) ** 2).mean()
        loss.backward()
    return step


def relu_mlp(lib):
    """(c) a 784-256-10 ReLU MLP on a batch of 256, cross-entropy loss."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((256, 784), dtype=np.float32))
    labels = lib.tensor(rng.integers(0, 10, 256))
    rows = lib.arange(256)
    params = [lib.tensor(rng.standard_normal(s, dtype=np.float32) * 0.05, requires_grad=True)
              for s in [(784, 256), (256,), (256, 10), (10,)]]
    w1, b1, w2, b2 = params

    def step():
        for p in params:
            p.grad = None
        logits = (x @ w1 + b1).relu() @ w2 + b2
        loss = -logits.log_softmax(dim=1)[rows, labels].mean()
        loss.backward()
    return step


def elementwise_1m(lib):
    """(d) an elementwise graph over 1,000,000 float32s."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal(1_000_000, dtype=np.float32), requires_grad=True)
    y = lib.tensor(rng.standard_normal(1_000_000, dtype=np.float32), requires_grad=True)

    def step():
        x.grad = y.grad = None
        ((x * y).sin() + x.exp() * 0.5).sum().backward()
    return step


def scalar_chain_5000(lib):
    """(e) a 5,000-op chain on a 0-d tensor."""
    x = lib.tensor(0.5, requires_grad=True)

    def step():
        x.grad = None
        y = x
        for _ in range(1250):
            y = (y * 0.9 + 0.1).sin().exp()
        y.backward()
    return step


# Issue 16's workloads (f to m): large arrays, fused losses, indexing, BLAS, double
# backward, an optimiser loop.

def exp_tanh_1m(lib):
    """(f) exp(tanh(x)) * sin(x) + x*x on 1,000,000 float32s."""
    x = lib.tensor(np.random.default_rng(0).standard_normal(1_000_000, dtype=np.float32),
                   requires_grad=True)

    def step():
        x.grad = None
        (x.tanh().exp() * x.sin() + x * x).sum().backward()
    return step


def _logits(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((512, 1000), dtype=np.float32), requires_grad=True)
    return rng, x


def cross_entropy_512(lib):
    """(g) F.cross_entropy (log_softmax + NLL) of 512 x 1000 logits."""
    rng, x = _logits(lib)
    target = lib.tensor(rng.integers(0, 1000, 512))

    def step():
        x.grad = None
        lib.nn.functional.cross_entropy(x, target).backward()
    return step


def softmax_512(lib):
    """(h) softmax over 1000 classes of 512 rows, then a weighted sum."""
    rng, x = _logits(lib)
    w = lib.tensor(rng.standard_normal((512, 1000), dtype=np.float32))

    def step():
        x.grad = None
        (x.softmax(dim=1) * w).sum().backward()
    return step


def gather_repeats(lib):
    """(i) x[idx] of a 1000 x 64 table, 16,384 rows picked with repeats; backward adds."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((1000, 64), dtype=np.float32), requires_grad=True)
    idx = lib.tensor(rng.integers(0, 1000, 16384))
    w = lib.tensor(rng.standard_normal((16384, 64), dtype=np.float32))

    def step():
        x.grad = None
        (x[idx] * w).sum().backward()
    return step


def rows_and_columns(lib):
    """(j) x[idx][:, jdx]: 500 rows, then 500 columns of a 1000 x 1000 float32 matrix."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((1000, 1000), dtype=np.float32), requires_grad=True)
    idx = lib.tensor(rng.permutation(1000)[:500])
    jdx = lib.tensor(rng.permutation(1000)[:500])

    def step():
        x.grad = None
        x[idx][:, jdx].sum().backward()
    return step


def matmul_chain(lib):
    """(k) a chain of 20 products of 100 x 100 float32 matrices."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((100, 100), dtype=np.float32))
    ws = [lib.tensor(rng.standard_normal((100, 100), dtype=np.float32) * 0.1,
                     requires_grad=True) for _ in range(20)]

    def step():
        y = x
        for w in ws:
            w.grad = None
            y = y @ w
        y.sum().backward()
    return step


def gradient_penalty(lib):
    """(l) double backward: the penalty (|d out / d x| - 1)^2 of a 2-64-64-1 tanh MLP
    on 256 points (autograd.grad with create_graph=True, then backward)."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((256, 2), dtype=np.float32), requires_grad=True)
    params = [lib.tensor(rng.standard_normal(s, dtype=np.float32) * 0.5, requires_grad=True)
              for s in [(2, 64), (64,), (64, 64), (64,), (64, 1), (1,)]]
    w1, b1, w2, b2, w3, b3 = params

    def step():
        for p in params:
            p.grad = None
        h = (x @ w1 + b1).tanh()
        out = (h @ w2 + b2).tanh() @ w3 + b3
        (g,) = lib.autograd.grad(out.sum(), x, create_graph=True)
        ((g.norm(dim=1) - 1.0) ** 2).mean().backward()
    return step


def sgd_steps(lib):
    """(m) 200 SGD steps (zero_grad, MSE loss, backward, step) of an nn.Sequential
    2-16-16-1 tanh MLP on 32 points, from the same start each time."""
    rng = np.random.default_rng(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                          nn.Linear(16, 1))
    start = [rng.standard_normal(tuple(p.shape), dtype=np.float32) * 0.5
             for p in model.parameters()]
    x = lib.tensor(rng.standard_normal((32, 2), dtype=np.float32))
    y = lib.tensor(rng.standard_normal((32, 1), dtype=np.float32))
    opt = lib.optim.SGD(model.parameters(), lr=0.05)

    def step():
        with lib.no_grad():
            for p, s in zip(model.parameters(), start, strict=True):
                p.copy_(lib.tensor(s))
        for _ in range(200):
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            opt.step()
    return step


CASES = [
    ("a", "300-op chain, 3 elements", chain_300, 0.7),
    ("b", "2-16-16-1 tanh MLP, 32 points", tanh_mlp, 0.7),
    ("c", "784-256-10 ReLU MLP, batch 256", relu_mlp, 1.5),
    ("d", "elementwise, 1,000,000 float32", elementwise_1m, 1.5),
    ("e", "5,000-op scalar chain", scalar_chain_5000, 0.7),
    ("f", "exp(tanh(x)) * sin(x) + x*x, 1,000,000 float32", exp_tanh_1m, 1.0),
    ("g", "cross_entropy, 512 x 1000 logits", cross_entropy_512, 1.0),
    ("h", "softmax + weighted sum, 512 x 1000", softmax_512, 1.0),
    ("i", "gather with repeated indices, backward adds", gather_repeats, 1.0),
    ("j", "rows then columns, x[idx][:, jdx]", rows_and_columns, 1.0),
    ("k", "chain of 20 100 x 100 matmuls", matmul_chain, 1.0),
    ("l", "double backward (gradient penalty)", gradient_penalty, 1.0),
    ("m", "200 SGD steps, small MLP", sgd_steps, 1.0),
]


# The floors: the NumPy calls minigrad makes for a case (forward and backward), and
# nothing else; what minigrad would cost with no autograd around them (--floors).

def _floor_f():
    x = np.random.default_rng(0).standard_normal(1_000_000, dtype=np.float32)

    def step():
        th = np.tanh(x)
        e = np.exp(th)
        s = np.sin(x)
        np.add.reduce(e * s + x * x, axis=None)
        g = np.broadcast_to(np.ones((), np.float32), x.shape)  # sum's gradient
        ge, gs = g * s, g * e  # mul
        gx = g * x + g * x  # x * x, both inputs
        gx += (ge * e) * (1.0 - th * th)  # exp, then tanh
        gx += gs * np.cos(x)  # sin
    return step


def _floor_g():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 1000), dtype=np.float32)
    index = (np.arange(512), rng.integers(0, 1000, 512))

    def step():
        s = x - np.max(x, axis=1, keepdims=True)  # log_softmax
        s -= np.log(np.add.reduce(np.exp(s), axis=1, keepdims=True))
        np.add.reduce(-s[index], axis=None) / 512  # nll_loss
        g = np.zeros_like(s)  # nll_loss's gradient
        g[index] = -(np.ones((), np.float32) / 512)
        e = np.exp(s)  # log_softmax's
        e *= np.add.reduce(g, axis=1, keepdims=True)
        np.subtract(g, e, out=e)
    return step


def _floor_h():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 1000), dtype=np.float32)
    w = rng.standard_normal((512, 1000), dtype=np.float32)

    def step():
        e = x - np.max(x, axis=1, keepdims=True)  # softmax
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=1, keepdims=True)
        np.add.reduce(e * w, axis=None)
        g = np.broadcast_to(np.ones((), np.float32), x.shape) * w  # sum, mul
        gs = g * e  # softmax's gradient
        np.subtract(g, np.add.reduce(gs, axis=1, keepdims=True), out=gs)
        gs *= e
    return step


def _floor_k():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 100), dtype=np.float32)
    ws = [rng.standard_normal((100, 100), dtype=np.float32) * 0.1 for _ in range(20)]

    def step():
        ys = [x]
        for w in ws:
            ys.append(ys[-1].dot(w))
        g = np.broadcast_to(np.ones((), np.float32), (100, 100))
        for i in range(19, -1, -1):
            ys[i].T.dot(g)
            if i:
                g = g.dot(ws[i].T)
    return step


FLOORS = {"f": _floor_f, "g": _floor_g, "h": _floor_h, "k": _floor_k}


def run_floors(reps: int, seconds: float, collect: bool, keys) -> list[str]:
    """minigrad, its floor (the bare NumPy calls) and torch, in turns."""
    lines = ["| case | minigrad | NumPy calls alone | torch | floor/torch |",
             "|---|---:|---:|---:|---:|"]
    for key, title, case, _ in CASES:
        floor = FLOORS.get(key)
        if floor is None or (keys and key not in keys) or torch is None:
            continue
        (mg, _), (fl, _), (th, _) = measure([case(minigrad), floor(), case(torch)], seconds,
                                            collect=collect, min_reps=reps)
        lines.append(f"| ({key}) {title} | {_ms(mg)} | {_ms(fl)} | {_ms(th)} | {fl / th:.2f} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


def run_cases(reps: int, seconds: float, collect: bool, blocks: bool, keys) -> list[str]:
    lines = ["| case | minigrad | torch | minigrad/torch | faults/run (minigrad, torch) "
             "| target | met |",
             "|---|---:|---:|---:|---:|---:|:-:|"]
    for key, title, case, target in CASES:
        if keys and key not in keys:
            continue
        if torch is None:
            ((mg, mf),) = measure([case(minigrad)], seconds, collect=collect, blocks=blocks,
                                  min_reps=reps)
            lines.append(f"| ({key}) {title} | {_ms(mg)} | - | - | {mf:.0f}, - "
                         f"| <= {target} | - |")
            continue
        (mg, mf), (th, tf) = measure([case(minigrad), case(torch)], seconds,
                                     collect=collect, blocks=blocks, min_reps=reps)
        ratio = mg / th
        met = "yes" if ratio <= target else "no"
        lines.append(f"| ({key}) {title} | {_ms(mg)} | {_ms(th)} | {ratio:.2f} | "
                     f"{mf:.0f}, {tf:.0f} | <= {target} | {met} |")
        print(lines[-1], file=sys.stderr, flush=True)  # progress while the rest runs
    return lines


# Memory: a 1,000,000-op chain in a fresh process -------------------------------------

_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
import minigrad

def peak_kib():  # the high-water mark of this process's resident memory
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))

before = peak_kib()
x = minigrad.tensor([1.0], dtype=minigrad.float64, requires_grad=True)
y = x
start = time.perf_counter()
for i in range({depth}):
    y = y * 1.0000001 if i % 2 else y + 1.0
built = time.perf_counter()
y.sum().backward()
done = time.perf_counter()
peak = peak_kib()
print(before, peak, built - start, done - built, x.grad.item(), sys.getrecursionlimit())
"""


def chain_memory(depth: int) -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", _CHILD.format(root=root, depth=depth)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no message)"]
        return f"{depth:,}-op chain: FAILED ({tail[0]})"
    before, peak, build, back, grad, limit = proc.stdout.split()
    peak_bytes = int(peak) * 1024
    growth = (int(peak) - int(before)) * 1024
    met = "yes" if peak_bytes < MEMORY_TARGET else "no"
    expected = 1.0000001 ** (depth // 2)
    return (f"{depth:,}-op chain: peak RSS {peak_bytes / 2**20:.0f} MiB "
            f"(graph and backward: {growth / 2**20:.0f} MiB; target < 1 GiB: {met}); "
            f"build {float(build):.1f} s, backward {float(back):.1f} s; "
            f"x.grad = {float(grad):.9f} (expected {expected:.9f}); "
            f"no RecursionError at the default limit of {limit}")


def machine(chosen: str = ", torch's default") -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    threads = torch.get_num_threads() if torch is not None else "-"
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"NumPy {np.__version__}, torch {torch.__version__ if torch else '-'} "
            f"({threads} threads{chosen}); NumPy's BLAS threads: {blas}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and a 100,000-op memory chain")
    parser.add_argument("--gc-off", action="store_true",
                        help="the garbage collector off while timing")
    parser.add_argument("--run-by-run", action="store_true",
                        help="minigrad and torch take turns run by run, not in blocks")
    parser.add_argument("--floors", action="store_true",
                        help="also time the bare NumPy calls of cases f, g, h, k")
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="torch.set_num_threads (default: torch's own choice)")
    parser.add_argument("--cases", default="",
                        help="only these cases (letters, comma-separated); no memory chain")
    opts = parser.parse_args()
    keys = [k for k in opts.cases.split(",") if k]
    if opts.torch_threads and torch is not None:
        torch.set_num_threads(opts.torch_threads)
    reps = 3 if opts.quick else 15
    seconds = 0.5 if opts.quick else 3.0  # per case: small cases run thousands of times
    depth = CHAIN_DEPTH // 10 if opts.quick else CHAIN_DEPTH

    print(f"Machine: {machine(', --torch-threads' if opts.torch_threads else ', its default')}")
    print(f"Best of at least {reps} runs (as many as fit in about {seconds:g} s per case), "
          f"forward + backward; garbage collector {'off' if opts.gc_off else 'on'}; "
          f"turns {'run by run' if opts.run_by_run else 'in blocks'}; "
          f"load average {os.getloadavg()[0]:.2f} at the start.\n")
    print("\n".join(run_cases(reps, seconds, not opts.gc_off, not opts.run_by_run, keys)))
    if opts.floors:
        print("\nThe floor: the NumPy calls minigrad makes, alone.\n")
        print("\n".join(run_floors(reps, seconds, not opts.gc_off, keys)))
    if not keys:
        print()
        print(chain_memory(depth))
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
