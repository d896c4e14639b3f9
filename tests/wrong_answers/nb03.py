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
    },
}
