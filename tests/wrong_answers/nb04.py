"""Typical mistakes in lesson 4's exercises (dual numbers, JVPs, Jacobians, a loop)."""

_DUAL = '''import numpy as np
class Dual:
    __array_ufunc__ = None
    def __init__(self, primal, tangent=0.0):
        self.primal, self.tangent = primal, tangent
    @staticmethod
    def lift(c):
        return c if isinstance(c, Dual) else Dual(c, 0.0)
    def __add__(self, o):
        o = Dual.lift(o)
        return Dual(self.primal + o.primal, self.tangent + o.tangent)
    __radd__ = __add__
    def __neg__(self):
        return Dual(-self.primal, -self.tangent)
    def __sub__(self, o):
        return self + -Dual.lift(o)
    def __rsub__(self, o):
        return Dual.lift(o) - self
    def __mul__(self, o):
        o = Dual.lift(o)
        return Dual(self.primal * o.primal, self.tangent * o.primal + self.primal * o.tangent)
    __rmul__ = __mul__
    def __truediv__(self, o):
        o = Dual.lift(o)
        return Dual(self.primal / o.primal,
                    (self.tangent * o.primal - self.primal * o.tangent) / o.primal**2)
    def __rtruediv__(self, o):
        return Dual.lift(o) / self
    def __pow__(self, k):
        return Dual(self.primal**k, k * self.primal ** (k - 1) * self.tangent)
    def sin(self):
        return Dual(np.sin(self.primal), np.cos(self.primal) * self.tangent)
    def cos(self):
        return Dual(np.cos(self.primal), -np.sin(self.primal) * self.tangent)
    def exp(self):
        return Dual(np.exp(self.primal), np.exp(self.primal) * self.tangent)
    def log(self):
        return Dual(np.log(self.primal), self.tangent / self.primal)
    def sqrt(self):
        return Dual(np.sqrt(self.primal), self.tangent / (2 * np.sqrt(self.primal)))
    def tanh(self):
        return Dual(np.tanh(self.primal), (1 - np.tanh(self.primal) ** 2) * self.tangent)
    def sum(self):
        return Dual(np.sum(self.primal), np.sum(self.tangent))
    def __lt__(self, o):
        return self.primal < Dual.lift(o).primal
    def __gt__(self, o):
        return self.primal > Dual.lift(o).primal
    def __le__(self, o):
        return self.primal <= Dual.lift(o).primal
    def __ge__(self, o):
        return self.primal >= Dual.lift(o).primal
'''


def _dual_with(old: str, new: str) -> str:
    assert old in _DUAL, old
    return _DUAL.replace(old, new)


WRONG = {
    "nb04.Dual": {
        "product rule as the product of tangents": _dual_with(
            "self.tangent * o.primal + self.primal * o.tangent)", "self.tangent * o.tangent)"),
        "quotient rule with the wrong sign": _dual_with(
            "(self.tangent * o.primal - self.primal * o.tangent)",
            "(self.primal * o.tangent - self.tangent * o.primal)"),
        "forgets the inner tangent of sin (chain rule)": _dual_with(
            "np.cos(self.primal) * self.tangent)", "np.cos(self.primal))"),
        "number - dual computed as dual - number": _dual_with(
            "        return Dual.lift(o) - self\n", "        return self - Dual.lift(o)\n"),
        "power rule without the tangent": _dual_with(
            "k * self.primal ** (k - 1) * self.tangent)", "k * self.primal ** (k - 1))"),
        "__rsub__ = __sub__, copied from __radd__ = __add__": _dual_with(
            "    def __rsub__(self, o):\n        return Dual.lift(o) - self\n",
            "    __rsub__ = __sub__\n"),
        "number - dual keeps the tangent's sign": _dual_with(
            "        return Dual.lift(o) - self\n",
            "        return Dual(o - self.primal, self.tangent)\n"),
        "no comparison operators": _DUAL[:_DUAL.index("    def __lt__")],
        "<= and >= as strict comparisons": _dual_with(
            "self.primal <= Dual.lift(o).primal", "self.primal < Dual.lift(o).primal").replace(
            "self.primal >= Dual.lift(o).primal", "self.primal > Dual.lift(o).primal"),
        "tanh' as 1 - tanh (not squared)": _dual_with(
            "(1 - np.tanh(self.primal) ** 2) * self.tangent)",
            "(1 - np.tanh(self.primal)) * self.tangent)"),
        "cos' without the minus sign": _dual_with(
            "-np.sin(self.primal) * self.tangent)", "np.sin(self.primal) * self.tangent)"),
        "math functions (floats only, no arrays)": "import math\n" + _DUAL.replace(
            "np.sin(", "math.sin(").replace("np.cos(", "math.cos(").replace(
            "np.exp(", "math.exp(").replace("np.log(", "math.log(").replace(
            "np.sqrt(", "math.sqrt(").replace("np.tanh(", "math.tanh("),
        "sum adds up the primal only": _dual_with(
            "Dual(np.sum(self.primal), np.sum(self.tangent))",
            "Dual(np.sum(self.primal), self.tangent)"),
        "a constant lifted with tangent 1": _dual_with(
            "return c if isinstance(c, Dual) else Dual(c, 0.0)",
            "return c if isinstance(c, Dual) else Dual(c, 1.0)"),
        "+ changes the dual in place (returns self)": _dual_with(
            "        return Dual(self.primal + o.primal, self.tangent + o.tangent)\n",
            "        self.primal = self.primal + o.primal\n"
            "        self.tangent = self.tangent + o.tangent\n"
            "        return self\n"),
    },
    "nb04.jvp": {
        "builds the Jacobian first (n calls)": (
            "import numpy as np\n"
            "def jvp(f, x, v):\n"
            "    cols = [f(Dual(x, e)).tangent for e in np.eye(len(x))]\n"
            "    return np.stack(cols, axis=1) @ v\n"),
        "tangent of ones instead of v": (
            "import numpy as np\n"
            "def jvp(f, x, v):\n"
            "    return f(Dual(x, np.ones_like(x))).tangent\n"),
        "returns the primal": "def jvp(f, x, v):\n    return f(Dual(x, v)).primal\n",
        "returns (f(x), J v), as torch.autograd.functional.jvp does": (
            "def jvp(f, x, v):\n"
            "    y = f(Dual(x, v))\n"
            "    return y.primal, y.tangent\n"),
        "primal and tangent swapped": "def jvp(f, x, v):\n    return f(Dual(v, x)).tangent\n",
        "tangent of ones, times v afterwards": (
            "import numpy as np\n"
            "def jvp(f, x, v):\n"
            "    return f(Dual(x, np.ones_like(x))).tangent * v\n"),
        "returns the Dual, not its tangent": "def jvp(f, x, v):\n    return f(Dual(x, v))\n",
    },
    "nb04.jacobian_fwd": {
        "stacks JVPs as rows": (
            "import numpy as np\n"
            "def jacobian_fwd(f, x):\n"
            "    return np.stack([jvp(f, x, e) for e in np.eye(len(x))])\n"),
        "an extra pass for the value": (
            "import numpy as np\n"
            "def jacobian_fwd(f, x):\n"
            "    f(Dual(x, np.zeros_like(x)))\n"
            "    return np.stack([jvp(f, x, e) for e in np.eye(len(x))], axis=1)\n"),
        "misses the last column (range(n - 1))": (
            "import numpy as np\n"
            "def jacobian_fwd(f, x):\n"
            "    n = len(x)\n"
            "    I = np.eye(n)\n"
            "    return np.stack([jvp(f, x, I[j]) for j in range(n - 1)], axis=1)\n"),
        "unit vector not reset (ones pile up)": (
            "import numpy as np\n"
            "def jacobian_fwd(f, x):\n"
            "    e = np.zeros(len(x))\n"
            "    cols = []\n"
            "    for j in range(len(x)):\n"
            "        e[j] = 1.0\n"
            "        cols.append(jvp(f, x, e))\n"
            "    return np.stack(cols, axis=1)\n"),
        "one jvp with ones, as a diagonal": (
            "import numpy as np\n"
            "def jacobian_fwd(f, x):\n"
            "    return np.diag(jvp(f, x, np.ones(len(x))))\n"),
        "np.concatenate (a flat vector, not a matrix)": (
            "import numpy as np\n"
            "def jacobian_fwd(f, x):\n"
            "    return np.concatenate([jvp(f, x, e) for e in np.eye(len(x))])\n"),
    },
    "nb04.babylonian": {
        "uses math.sqrt": "import math\ndef babylonian(x, n):\n    return math.sqrt(x)\n",
        "starts from x": ("def babylonian(x, n):\n    t = x\n    for _ in range(n):\n"
                          "        t = (t + x / t) / 2\n    return t\n"),
        "one update too many": ("def babylonian(x, n):\n    t = (1 + x) / 2\n"
                                "    for _ in range(n + 1):\n"
                                "        t = (t + x / t) / 2\n    return t\n"),
        "one update too few (range(n - 1))": (
            "def babylonian(x, n):\n    t = (1 + x) / 2\n    for _ in range(n - 1):\n"
            "        t = (t + x / t) / 2\n    return t\n"),
        "starts from 1": ("def babylonian(x, n):\n    t = 1\n    for _ in range(n):\n"
                          "        t = (t + x / t) / 2\n    return t\n"),
        "update without brackets (t + x / t / 2)": (
            "def babylonian(x, n):\n    t = (1 + x) / 2\n    for _ in range(n):\n"
            "        t = t + x / t / 2\n    return t\n"),
        "returns the limit x ** 0.5": "def babylonian(x, n):\n    return x ** 0.5\n",
    },
}
