"""Alternative correct answers to lesson 1's exercises."""

RIGHT = {
    "nb01.forward_difference": {
        "two quotients": "def forward_difference(f, x, h):\n"
                         "    return f(x + h) / h - f(x) / h\n",
        "multiplies by 1 / h, float32 result": (
            "import numpy as np\n"
            "def forward_difference(f, x, h):\n"
            "    return np.float32((f(x + h) - f(x)) * (1 / h))\n"),
        "named intermediate values": ("def forward_difference(f, x, h):\n"
                                      "    right, here = f(x + h), f(x)\n"
                                      "    rise = right - here\n"
                                      "    return rise / h\n"),
    },
    "nb01.central_difference": {
        "mean of forward and backward": (
            "def central_difference(f, x, h):\n"
            "    forward = (f(x + h) - f(x)) / h\n"
            "    backward = (f(x) - f(x - h)) / h\n"
            "    return (forward + backward) / 2\n"),
        "0-d array": ("import numpy as np\n"
                      "def central_difference(f, x, h):\n"
                      "    return np.array((f(x + h) - f(x - h)) / (2 * h))\n"),
        "halves first": "def central_difference(f, x, h):\n"
                        "    return 0.5 * (f(x + h) - f(x - h)) / h\n",
    },
    "nb01.partial_x": {
        "unsimplified quotient rule": (
            "def partial_x(x, y):\n"
            "    u, v = y * x**2, x**2 + y**2\n"
            "    du, dv = 2 * x * y, 2 * x\n"
            "    return (du * v - u * dv) / v**2\n"),
        "polar-friendly form": ("def partial_x(x, y):\n"
                                "    r2 = x * x + y * y\n"
                                "    return 2 * x * y * (y / r2) ** 2\n"),
        "float32 result": ("import numpy as np\n"
                                 "def partial_x(x, y):\n"
                                 "    return np.float32(2 * x * y**3 / (x**2 + y**2) ** 2)\n"),
    },
    "nb01.directional_at_origin": {
        "f(v) through the formula": (
            "def directional_at_origin(v):\n"
            "    return v[1] * v[0] ** 2 / (v[0] ** 2 + v[1] ** 2)\n"),
        "length times f(unit v)": (
            "import numpy as np\n"
            "def directional_at_origin(v):\n"
            "    r = np.linalg.norm(v)\n"
            "    c, s = v / r\n"
            "    return r * s * c**2\n"),
        "difference quotient (exact here: f(t v) = t f(v))": (
            "def directional_at_origin(v):\n"
            "    f = lambda a, b: b * a**2 / (a**2 + b**2)\n"
            "    t = 0.5\n"
            "    return f(t * v[0], t * v[1]) / t\n"),
    },
}
