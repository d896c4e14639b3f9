"""Typical mistakes in lesson 3's exercises (traces, tangents, adjoints, staged backprop)."""

WRONG = {
    "nb03.primal_trace": {
        "cos instead of sin": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': x1, 'v0': x2, 'v1': math.log(x1), 'v2': x1 * x2,\n"
            "         'v3': math.cos(x2)}\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return v\n"),
        "missing the inputs": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v1': math.log(x1), 'v2': x1 * x2, 'v3': math.sin(x2)}\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return v\n"),
        "log10 instead of the natural log": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': x1, 'v0': x2, 'v1': math.log10(x1), 'v2': x1 * x2,\n"
            "         'v3': math.sin(x2)}\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return v\n"),
        "v5 = v4 + v3 (sign of the subtraction)": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': x1, 'v0': x2, 'v1': math.log(x1), 'v2': x1 * x2,\n"
            "         'v3': math.sin(x2)}\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] + v['v3']\n"
            "    return v\n"),
        "rounded to four decimals, like the table": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': x1, 'v0': x2, 'v1': math.log(x1), 'v2': x1 * x2,\n"
            "         'v3': math.sin(x2)}\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return {k: round(x, 4) for k, x in v.items()}\n"),
        "keys numbered from v0 (off by one)": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = [x1, x2, math.log(x1), x1 * x2, math.sin(x2)]\n"
            "    v.append(v[2] + v[3])\n"
            "    v.append(v[5] - v[4])\n"
            "    return {f'v{i}': x for i, x in enumerate(v)}\n"),
        "sin of x1 (reads the wrong input)": (
            "import math\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': x1, 'v0': x2}\n"
            "    v['v1'] = math.log(x1)\n"
            "    v['v2'] = x1 * x2\n"
            "    v['v3'] = math.sin(x1)\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return v\n"),
    },
    "nb03.tangent_trace": {
        "product rule as dx1 * dx2": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    d = {'v-1': dx1, 'v0': dx2, 'v1': dx1 / x1, 'v2': dx1 * dx2,\n"
            "         'v3': math.cos(x2) * dx2}\n"
            "    d['v4'] = d['v1'] + d['v2']\n"
            "    d['v5'] = d['v4'] - d['v3']\n"
            "    return d\n"),
        "forgets the inner tangent of sin": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    d = {'v-1': dx1, 'v0': dx2, 'v1': dx1 / x1, 'v2': dx1 * x2 + x1 * dx2,\n"
            "         'v3': math.cos(x2)}\n"
            "    d['v4'] = d['v1'] + d['v2']\n"
            "    d['v5'] = d['v4'] - d['v3']\n"
            "    return d\n"),
        "calls minigrad's forward_ad": (
            "import minigrad\n"
            "from minigrad.autograd import forward_ad as fw\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    t = lambda a: minigrad.tensor(a, dtype=minigrad.float64)\n"
            "    with fw.dual_level():\n"
            "        a, b = fw.make_dual(t(x1), t(dx1)), fw.make_dual(t(x2), t(dx2))\n"
            "        v = {'v-1': a, 'v0': b, 'v1': a.log(), 'v2': a * b, 'v3': b.sin()}\n"
            "        v['v4'] = v['v1'] + v['v2']\n"
            "        v['v5'] = v['v4'] - v['v3']\n"
            "        return {k: fw.unpack_dual(x).tangent.item() for k, x in v.items()}\n"),
        "tangent of log without the inner tangent": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    d = {'v-1': dx1, 'v0': dx2, 'v1': 1 / x1, 'v2': dx1 * x2 + x1 * dx2,\n"
            "         'v3': math.cos(x2) * dx2}\n"
            "    d['v4'] = d['v1'] + d['v2']\n"
            "    d['v5'] = d['v4'] - d['v3']\n"
            "    return d\n"),
        "product rule not swapped (each tangent times its own value)": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    d = {'v-1': dx1, 'v0': dx2, 'v1': dx1 / x1, 'v2': dx1 * x1 + x2 * dx2,\n"
            "         'v3': math.cos(x2) * dx2}\n"
            "    d['v4'] = d['v1'] + d['v2']\n"
            "    d['v5'] = d['v4'] - d['v3']\n"
            "    return d\n"),
        "derivative of sin as -cos": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    d = {'v-1': dx1, 'v0': dx2}\n"
            "    d['v1'] = d['v-1'] / x1\n"
            "    d['v2'] = d['v-1'] * x2 + x1 * d['v0']\n"
            "    d['v3'] = -math.cos(x2) * d['v0']\n"
            "    d['v4'] = d['v1'] + d['v2']\n"
            "    d['v5'] = d['v4'] - d['v3']\n"
            "    return d\n"),
        "forward differences instead of tangents": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2, h=1e-6):\n"
            "    def trace(a, b):\n"
            "        v = {'v-1': a, 'v0': b, 'v1': math.log(a), 'v2': a * b, 'v3': math.sin(b)}\n"
            "        v['v4'] = v['v1'] + v['v2']\n"
            "        v['v5'] = v['v4'] - v['v3']\n"
            "        return v\n"
            "    up, at = trace(x1 + h * dx1, x2 + h * dx2), trace(x1, x2)\n"
            "    return {k: (up[k] - at[k]) / h for k in at}\n"),
        "input tangents set to the input values": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    d = {'v-1': x1, 'v0': x2}\n"
            "    d['v1'] = dx1 / x1\n"
            "    d['v2'] = dx1 * x2 + x1 * dx2\n"
            "    d['v3'] = math.cos(x2) * dx2\n"
            "    d['v4'] = d['v1'] + d['v2']\n"
            "    d['v5'] = d['v4'] - d['v3']\n"
            "    return d\n"),
    },
    "nb03.adjoint_trace": {
        "overwrites at the forks": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    a = {'v5': 1.0, 'v4': 1.0, 'v3': -1.0, 'v2': 1.0, 'v1': 1.0}\n"
            "    a['v0'] = -math.cos(x2)\n"
            "    a['v-1'] = x2\n"
            "    a['v0'] = x1\n"
            "    a['v-1'] = 1 / x1\n"
            "    return a\n"),
        "sign of the subtraction lost": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    a = {'v5': 1.0, 'v4': 1.0, 'v3': 1.0, 'v2': 1.0, 'v1': 1.0}\n"
            "    a['v0'] = math.cos(x2) + x1\n"
            "    a['v-1'] = x2 + 1 / x1\n"
            "    return a\n"),
        "calls minigrad's backward": (
            "import minigrad\n"
            "def adjoint_trace(x1, x2):\n"
            "    a = minigrad.tensor(x1, dtype=minigrad.float64, requires_grad=True)\n"
            "    b = minigrad.tensor(x2, dtype=minigrad.float64, requires_grad=True)\n"
            "    (a.log() + a * b - b.sin()).backward()\n"
            "    return {'v5': 1.0, 'v4': 1.0, 'v3': -1.0, 'v2': 1.0, 'v1': 1.0,\n"
            "            'v0': b.grad.item(), 'v-1': a.grad.item()}\n"),
        "primal_trace redefined with minigrad in the adjoint cell": (
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': torch.tensor(x1, dtype=torch.float64, requires_grad=True),\n"
            "         'v0': torch.tensor(x2, dtype=torch.float64, requires_grad=True)}\n"
            "    v['v1'] = torch.log(v['v-1'])\n"
            "    v['v2'] = v['v-1'] * v['v0']\n"
            "    v['v3'] = torch.sin(v['v0'])\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return v\n"
            "\n"
            "def adjoint_trace(x1, x2):\n"
            "    v = primal_trace(x1, x2)\n"
            "    for k in ['v1', 'v2', 'v3', 'v4', 'v5']:\n"
            "        v[k].retain_grad()\n"
            "    v['v5'].backward()\n"
            "    return {k: t.grad.item() for k, t in v.items()}\n"),
        "forgets the seed (adjoint of v5 left at 0)": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    v = primal_trace(x1, x2)\n"
            "    a = {k: 0.0 for k in v}\n"
            "    a['v4'] += a['v5']\n"
            "    a['v3'] += -a['v5']\n"
            "    a['v1'] += a['v4']\n"
            "    a['v2'] += a['v4']\n"
            "    a['v0'] += a['v3'] * math.cos(v['v0'])\n"
            "    a['v-1'] += a['v2'] * v['v0']\n"
            "    a['v0'] += a['v2'] * v['v-1']\n"
            "    a['v-1'] += a['v1'] / v['v-1']\n"
            "    return a\n"),
        "multiply gate not swapped": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    v = primal_trace(x1, x2)\n"
            "    a = {k: 0.0 for k in v}\n"
            "    a['v5'] = 1.0\n"
            "    a['v4'] += a['v5']\n"
            "    a['v3'] += -a['v5']\n"
            "    a['v1'] += a['v4']\n"
            "    a['v2'] += a['v4']\n"
            "    a['v0'] += a['v3'] * math.cos(v['v0'])\n"
            "    a['v-1'] += a['v2'] * v['v-1']\n"
            "    a['v0'] += a['v2'] * v['v0']\n"
            "    a['v-1'] += a['v1'] / v['v-1']\n"
            "    return a\n"),
        "derivative of sin as -cos": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    v = primal_trace(x1, x2)\n"
            "    a = {k: 0.0 for k in v}\n"
            "    a['v5'] = 1.0\n"
            "    a['v4'] += a['v5']\n"
            "    a['v3'] += -a['v5']\n"
            "    a['v1'] += a['v4']\n"
            "    a['v2'] += a['v4']\n"
            "    a['v0'] += a['v3'] * -math.cos(v['v0'])\n"
            "    a['v-1'] += a['v2'] * v['v0']\n"
            "    a['v0'] += a['v2'] * v['v-1']\n"
            "    a['v-1'] += a['v1'] / v['v-1']\n"
            "    return a\n"),
        "only the inputs' adjoints": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    return {'v-1': x2 + 1 / x1, 'v0': x1 - math.cos(x2)}\n"),
    },
    "nb03.staged_backward": {
        "only the numerator's path": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sx, sy = 1 / (1 + math.exp(-x)), 1 / (1 + math.exp(-y))\n"
            "    den = sx + (x + y) ** 2\n"
            "    return 1 / den, sy * (1 - sy) / den\n"),
        "forgets the sigmoid(x) path": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sx, sy = 1 / (1 + math.exp(-x)), 1 / (1 + math.exp(-y))\n"
            "    num, den = x + sy, sx + (x + y) ** 2\n"
            "    dden = -num / den**2\n"
            "    dxpy = 2 * (x + y) * dden\n"
            "    return 1 / den + dxpy, sy * (1 - sy) / den + dxpy\n"),
        "sigmoid derivative as sigmoid": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sx, sy = 1 / (1 + math.exp(-x)), 1 / (1 + math.exp(-y))\n"
            "    num, den = x + sy, sx + (x + y) ** 2\n"
            "    dden = -num / den**2\n"
            "    dxpy = 2 * (x + y) * dden\n"
            "    return 1 / den + dxpy + sx * dden, sy / den + dxpy\n"),
        "= instead of += for x": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sigy = 1 / (1 + math.exp(-y))\n"
            "    num = x + sigy\n"
            "    sigx = 1 / (1 + math.exp(-x))\n"
            "    xpy = x + y\n"
            "    den = sigx + xpy**2\n"
            "    invden = 1 / den\n"
            "    dnum, dinvden = invden, num\n"
            "    dden = -1 / den**2 * dinvden\n"
            "    dxpy = 2 * xpy * dden\n"
            "    dx = dxpy\n"
            "    dy = dxpy\n"
            "    dx = (1 - sigx) * sigx * dden\n"
            "    dx += dnum\n"
            "    dy += (1 - sigy) * sigy * dnum\n"
            "    return dx, dy\n"),
        "forgets y's path through (x + y)^2": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sigy = 1 / (1 + math.exp(-y))\n"
            "    num = x + sigy\n"
            "    sigx = 1 / (1 + math.exp(-x))\n"
            "    xpy = x + y\n"
            "    den = sigx + xpy**2\n"
            "    dden = -num / den**2\n"
            "    dxpy = 2 * xpy * dden\n"
            "    dx = 1 / den + dxpy + sigx * (1 - sigx) * dden\n"
            "    dy = sigy * (1 - sigy) / den\n"
            "    return dx, dy\n"),
        "derivative of 1/den without the minus sign": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sigy = 1 / (1 + math.exp(-y))\n"
            "    num = x + sigy\n"
            "    sigx = 1 / (1 + math.exp(-x))\n"
            "    xpy = x + y\n"
            "    den = sigx + xpy**2\n"
            "    invden = 1 / den\n"
            "    dnum, dinvden = invden, num\n"
            "    dden = 1 / den**2 * dinvden\n"
            "    dxpy = 2 * xpy * dden\n"
            "    dx = dxpy + (1 - sigx) * sigx * dden + dnum\n"
            "    dy = dxpy + (1 - sigy) * sigy * dnum\n"
            "    return dx, dy\n"),
        "d(xpy**2) as xpy (factor 2 lost)": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sigy = 1 / (1 + math.exp(-y))\n"
            "    num = x + sigy\n"
            "    sigx = 1 / (1 + math.exp(-x))\n"
            "    xpy = x + y\n"
            "    den = sigx + xpy**2\n"
            "    invden = 1 / den\n"
            "    dnum, dinvden = invden, num\n"
            "    dden = -1 / den**2 * dinvden\n"
            "    dxpy = xpy * dden\n"
            "    dx = dxpy + (1 - sigx) * sigx * dden + dnum\n"
            "    dy = dxpy + (1 - sigy) * sigy * dnum\n"
            "    return dx, dy\n"),
        "returns (df/dy, df/dx)": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sigy = 1 / (1 + math.exp(-y))\n"
            "    num = x + sigy\n"
            "    sigx = 1 / (1 + math.exp(-x))\n"
            "    xpy = x + y\n"
            "    den = sigx + xpy**2\n"
            "    invden = 1 / den\n"
            "    dnum, dinvden = invden, num\n"
            "    dden = -1 / den**2 * dinvden\n"
            "    dxpy = 2 * xpy * dden\n"
            "    dx = dxpy + (1 - sigx) * sigx * dden + dnum\n"
            "    dy = dxpy + (1 - sigy) * sigy * dnum\n"
            "    return dy, dx\n"),
    },
}
