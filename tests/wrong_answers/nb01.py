WRONG = {
    "nb01.forward_difference": {
        "backward difference": "def forward_difference(f, x, h):\n"
                               "    return (f(x) - f(x - h)) / h\n",
        "divides by 2h": "def forward_difference(f, x, h):\n"
                         "    return (f(x + h) - f(x)) / (2 * h)\n",
        "sign error": "def forward_difference(f, x, h):\n    return (f(x) - f(x + h)) / h\n",
    },
    "nb01.central_difference": {
        "divides by h": "def central_difference(f, x, h):\n"
                        "    return (f(x + h) - f(x - h)) / h\n",
        "forward difference": "def central_difference(f, x, h):\n"
                              "    return (f(x + h) - f(x)) / h\n",
        "hard-coded visible values": "def central_difference(f, x, h):\n    return 1.0\n",
    },
    "nb01.partial_x": {
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
        "assumes linearity (grad . v = 0)": "def directional_at_origin(v):\n    return 0.0\n",
        "unit direction only": (
            "import numpy as np\n"
            "def directional_at_origin(v):\n"
            "    a, b = v / np.linalg.norm(v)\n"
            "    return b * a**2 / (a**2 + b**2)\n"),
    },
}
