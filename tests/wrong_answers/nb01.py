"""Typical wrong answers to lesson 1's exercises."""

WRONG = {
    "nb01.forward_difference": {
        "forgets the division": "def forward_difference(f, x, h):\n"
                                "    return f(x + h) - f(x)\n",
        "steps by 2h": "def forward_difference(f, x, h):\n"
                       "    return (f(x + 2 * h) - f(x)) / h\n",
        "precedence: divides f(x) only": "def forward_difference(f, x, h):\n"
                                         "    return f(x + h) - f(x) / h\n",
        "backward difference": "def forward_difference(f, x, h):\n"
                               "    return (f(x) - f(x - h)) / h\n",
        "divides by 2h": "def forward_difference(f, x, h):\n"
                         "    return (f(x + h) - f(x)) / (2 * h)\n",
        "sign error": "def forward_difference(f, x, h):\n    return (f(x) - f(x + h)) / h\n",
    },
    "nb01.central_difference": {
        "sign error": "def central_difference(f, x, h):\n"
                      "    return (f(x - h) - f(x + h)) / (2 * h)\n",
        "precedence: 2 * h unparenthesised": "def central_difference(f, x, h):\n"
                                             "    return (f(x + h) - f(x - h)) / 2 * h\n",
        "average of two secants, wrong step": (
            "def central_difference(f, x, h):\n"
            "    return ((f(x + h) - f(x)) + (f(x) - f(x - h))) / h\n"),
        "divides by h": "def central_difference(f, x, h):\n"
                        "    return (f(x + h) - f(x - h)) / h\n",
        "forward difference": "def central_difference(f, x, h):\n"
                              "    return (f(x + h) - f(x)) / h\n",
        "hard-coded visible values": "def central_difference(f, x, h):\n    return 1.0\n",
    },
    "nb01.partial_x": {
        "sign of the second term": (
            "def partial_x(x, y):\n"
            "    return 2 * x * y * (2 * x**2 + y**2) / (x**2 + y**2) ** 2\n"),
        "differentiates in y instead": (
            "def partial_x(x, y):\n"
            "    return x**2 * (x**2 - y**2) / (x**2 + y**2) ** 2\n"),
        "forgets the factor 2": "def partial_x(x, y):\n"
                                "    return x * y**3 / (x**2 + y**2) ** 2\n",
        "the seed's missing square": "def partial_x(x, y):\n"
                                     "    return 2 * x * y**3 / (x**2 + y**2)\n",
        "calls minigrad's autograd": (
            "import minigrad\n"
            "def partial_x(x, y):\n"
            "    tx = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)\n"
            "    (y * tx**2 / (tx**2 + y**2)).backward()\n"
            "    return tx.grad.item()\n"),
        "numerical instead of exact": (
            "def partial_x(x, y):\n"
            "    f = lambda s: y * s**2 / (s**2 + y**2)\n"
            "    return (f(x + 1e-3) - f(x - 1e-3)) / 2e-3\n"),
    },
    "nb01.directional_at_origin": {
        "swaps the roles of a and b": ("def directional_at_origin(v):\n"
                                       "    a, b = v\n"
                                       "    return a * b**2 / (a**2 + b**2)\n"),
        "forgets the square of a": ("def directional_at_origin(v):\n"
                                    "    a, b = v\n"
                                    "    return b * a / (a**2 + b**2)\n"),
        "the partial derivative's limit along v": (
            "def directional_at_origin(v):\n"
            "    a, b = v\n"
            "    return 2 * a * b**3 / (a**2 + b**2) ** 2\n"),
        "assumes linearity (grad . v = 0)": "def directional_at_origin(v):\n    return 0.0\n",
        "unit direction only": (
            "import numpy as np\n"
            "def directional_at_origin(v):\n"
            "    a, b = v / np.linalg.norm(v)\n"
            "    return b * a**2 / (a**2 + b**2)\n"),
    },
}
