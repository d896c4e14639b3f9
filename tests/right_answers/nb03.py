"""Alternative correct answers to lesson 3's exercises (traces, tangents, adjoints)."""

RIGHT = {
    "nb03.primal_trace": {
        "NumPy functions (NumPy scalars)": (
            "import numpy as np\n"
            "def primal_trace(x1, x2):\n"
            "    v1, v2, v3 = np.log(x1), x1 * x2, np.sin(x2)\n"
            "    return {'v-1': x1, 'v0': x2, 'v1': v1, 'v2': v2, 'v3': v3,\n"
            "            'v4': v1 + v2, 'v5': v1 + v2 - v3}\n"),
        "minigrad tensors, as in the demo": (
            "def primal_trace(x1, x2):\n"
            "    a = torch.tensor(x1, dtype=torch.float64)\n"
            "    b = torch.tensor(x2, dtype=torch.float64)\n"
            "    v = {'v-1': a, 'v0': b, 'v1': torch.log(a), 'v2': a * b, 'v3': torch.sin(b)}\n"
            "    v['v4'] = v['v1'] + v['v2']\n"
            "    v['v5'] = v['v4'] - v['v3']\n"
            "    return v\n"),
        "a table of steps in a loop, float32": (
            "import numpy as np\n"
            "STEPS = [('v1', np.log, ['v-1']), ('v2', np.multiply, ['v-1', 'v0']),\n"
            "         ('v3', np.sin, ['v0']), ('v4', np.add, ['v1', 'v2']),\n"
            "         ('v5', np.subtract, ['v4', 'v3'])]\n"
            "def primal_trace(x1, x2):\n"
            "    v = {'v-1': np.float32(x1), 'v0': np.float32(x2)}\n"
            "    for out, op, ins in STEPS:\n"
            "        v[out] = op(*[v[k] for k in ins])\n"
            "    return v\n"),
    },
    "nb03.tangent_trace": {
        "closed forms, NumPy": (
            "import numpy as np\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    dv1 = dx1 / x1\n"
            "    dv2 = x2 * dx1 + x1 * dx2\n"
            "    dv3 = np.cos(x2) * dx2\n"
            "    return {'v-1': dx1, 'v0': dx2, 'v1': dv1, 'v2': dv2, 'v3': dv3,\n"
            "            'v4': dv1 + dv2, 'v5': dv1 + dv2 - dv3}\n"),
        "values from primal_trace, then the tangents": (
            "import math\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    v = primal_trace(x1, x2)\n"
            "    t = {'v-1': dx1, 'v0': dx2}\n"
            "    t['v1'] = t['v-1'] / v['v-1']\n"
            "    t['v2'] = t['v-1'] * v['v0'] + v['v-1'] * t['v0']\n"
            "    t['v3'] = math.cos(v['v0']) * t['v0']\n"
            "    t['v4'] = t['v1'] + t['v2']\n"
            "    t['v5'] = t['v4'] - t['v3']\n"
            "    return t\n"),
        "dual numbers as (value, tangent) pairs, float32": (
            "import numpy as np\n"
            "def tangent_trace(x1, x2, dx1, dx2):\n"
            "    f = np.float32\n"
            "    a, b = (f(x1), f(dx1)), (f(x2), f(dx2))\n"
            "    v1 = (np.log(a[0]), a[1] / a[0])\n"
            "    v2 = (a[0] * b[0], a[1] * b[0] + a[0] * b[1])\n"
            "    v3 = (np.sin(b[0]), np.cos(b[0]) * b[1])\n"
            "    v4 = (v1[0] + v2[0], v1[1] + v2[1])\n"
            "    v5 = (v4[0] - v3[0], v4[1] - v3[1])\n"
            "    pairs = {'v-1': a, 'v0': b, 'v1': v1, 'v2': v2, 'v3': v3, 'v4': v4, 'v5': v5}\n"
            "    return {k: p[1] for k, p in pairs.items()}\n"),
    },
    "nb03.adjoint_trace": {
        "closed forms, no primal_trace": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    return {'v5': 1.0, 'v4': 1.0, 'v3': -1.0, 'v2': 1.0, 'v1': 1.0,\n"
            "            'v0': x1 - math.cos(x2), 'v-1': x2 + 1 / x1}\n"),
        "a tape walked in reverse": (
            "import math\n"
            "def adjoint_trace(x1, x2):\n"
            "    v = primal_trace(x1, x2)\n"
            "    tape = [('v1', [('v-1', 1 / v['v-1'])]),\n"
            "            ('v2', [('v-1', v['v0']), ('v0', v['v-1'])]),\n"
            "            ('v3', [('v0', math.cos(v['v0']))]),\n"
            "            ('v4', [('v1', 1.0), ('v2', 1.0)]),\n"
            "            ('v5', [('v4', 1.0), ('v3', -1.0)])]\n"
            "    a = dict.fromkeys(v, 0.0)\n"
            "    a['v5'] = 1.0\n"
            "    for out, inputs in reversed(tape):\n"
            "        for name, local in inputs:\n"
            "            a[name] += a[out] * local\n"
            "    return a\n"),
        "float32 NumPy": (
            "import numpy as np\n"
            "def adjoint_trace(x1, x2):\n"
            "    x1, x2 = np.float32(x1), np.float32(x2)\n"
            "    one = np.float32(1)\n"
            "    a = {'v5': one, 'v4': one, 'v3': -one, 'v2': one, 'v1': one}\n"
            "    a['v0'] = a['v3'] * np.cos(x2) + a['v2'] * x1\n"
            "    a['v-1'] = a['v2'] * x2 + a['v1'] / x1\n"
            "    return a\n"),
    },
    "nb03.staged_backward": {
        "the quotient rule in one go": (
            "import math\n"
            "def staged_backward(x, y):\n"
            "    sx, sy = 1 / (1 + math.exp(-x)), 1 / (1 + math.exp(-y))\n"
            "    num, den = x + sy, sx + (x + y) ** 2\n"
            "    dnum_dx, dnum_dy = 1.0, sy * (1 - sy)\n"
            "    dden_dx, dden_dy = sx * (1 - sx) + 2 * (x + y), 2 * (x + y)\n"
            "    return ((dnum_dx * den - num * dden_dx) / den**2,\n"
            "            (dnum_dy * den - num * dden_dy) / den**2)\n"),
        "sigmoid from tanh, a list": (
            "import math\n"
            "def sig(t):\n"
            "    return 0.5 * (1 + math.tanh(t / 2))\n"
            "def staged_backward(x, y):\n"
            "    sigy, sigx = sig(y), sig(x)\n"
            "    num, xpy = x + sigy, x + y\n"
            "    den = sigx + xpy * xpy\n"
            "    invden = 1 / den\n"
            "    grad = {'x': 0.0, 'y': 0.0}\n"
            "    dnum, dinvden = invden, num\n"
            "    dden = -dinvden * invden * invden\n"
            "    grad['x'] += sigx * (1 - sigx) * dden\n"
            "    dxpy = 2 * xpy * dden\n"
            "    grad['x'] += dxpy\n"
            "    grad['y'] += dxpy\n"
            "    grad['x'] += dnum\n"
            "    grad['y'] += sigy * (1 - sigy) * dnum\n"
            "    return [grad['x'], grad['y']]\n"),
        "float32 stages, a NumPy array": (
            "import numpy as np\n"
            "def staged_backward(x, y):\n"
            "    x, y = np.float32(x), np.float32(y)\n"
            "    sigy = 1 / (1 + np.exp(-y))\n"
            "    num = x + sigy\n"
            "    sigx = 1 / (1 + np.exp(-x))\n"
            "    xpy = x + y\n"
            "    xpysqr = xpy**2\n"
            "    den = sigx + xpysqr\n"
            "    invden = 1 / den\n"
            "    dnum, dinvden = invden, num\n"
            "    dden = -dinvden / den**2\n"
            "    dxpy = 2 * xpy * dden\n"
            "    dx = dnum + sigx * (1 - sigx) * dden + dxpy\n"
            "    dy = sigy * (1 - sigy) * dnum + dxpy\n"
            "    return np.array([dx, dy], dtype=np.float32)\n"),
    },
}
