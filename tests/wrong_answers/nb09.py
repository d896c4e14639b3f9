WRONG = {
    "nb09.nth_derivative": {
        "one derivative too many": (
            "def nth_derivative(f, x, n):\n"
            "    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)\n"
            "    y = f(t)\n"
            "    for _ in range(n + 1):\n"
            "        (y,) = torch.autograd.grad(y, t, create_graph=True)\n"
            "    return y.item()\n"),
        "forgets create_graph (fails from n = 2 on)": (
            "def nth_derivative(f, x, n):\n"
            "    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)\n"
            "    y = f(t)\n"
            "    for _ in range(n):\n"
            "        (y,) = torch.autograd.grad(y, t)\n"
            "    return y.item()\n"),
        "central differences instead of exact derivatives": (
            "def nth_derivative(f, x, n, h=1e-3):\n"
            "    if n == 0:\n"
            "        return f(torch.tensor(x, dtype=torch.float64)).item()\n"
            "    up, down = nth_derivative(f, x + h, n - 1), nth_derivative(f, x - h, n - 1)\n"
            "    return (up - down) / (2 * h)\n"),
    },
    "nb09.hvp": {
        "builds the full Hessian first": (
            "from minigrad.autograd.functional import hessian as _hessian\n"
            "def hvp(f, x, v):\n"
            "    return _hessian(f, x) @ v\n"),
        "returns the gradient dotted with v (a JVP of f, not of grad f)": (
            "def hvp(f, x, v):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(x), x)\n"
            "    return g * v\n"),
        "finite difference of gradients": (
            "def hvp(f, x, v, h=1e-4):\n"
            "    def grad(p):\n"
            "        p = p.detach().requires_grad_(True)\n"
            "        f(p).backward()\n"
            "        return p.grad\n"
            "    return (grad(x + h * v) - grad(x - h * v)) / (2 * h)\n"),
    },
    "nb09.hessian": {
        "outer product of the gradient": (
            "def hessian(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(x), x)\n"
            "    return torch.outer(g, g)\n"),
        "diagonal only": (
            "def hessian(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
            "    (d,) = torch.autograd.grad(g.sum(), x)\n"
            "    return torch.eye(x.numel(), dtype=x.dtype) * d\n"),
    },
    "nb09.newton_step": {
        "plus instead of minus": (
            "from minigrad.autograd.functional import hessian as _hessian\n"
            "def newton_step(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(x), x)\n"
            "    H = _hessian(f, x.detach())\n"
            "    return x.detach().numpy() + np.linalg.solve(H.numpy(), g.numpy())\n"),
        "a gradient step": (
            "def newton_step(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(x), x)\n"
            "    return x.detach() - g\n"),
        "multiplies by H instead of solving": (
            "from minigrad.autograd.functional import hessian as _hessian\n"
            "def newton_step(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(x), x)\n"
            "    H = _hessian(f, x.detach())\n"
            "    return x.detach().numpy() - H.numpy() @ g.numpy()\n"),
    },
}

_FD_HVP = (
    "def hvp(f, x, v, h={h}):\n"
    "    def g(z):\n"
    "        z = z.detach().requires_grad_(True)\n"
    "        return torch.autograd.grad(f(z), z)[0]\n"
    "    return (g(x + h * v) - g(x - h * v)) / (2 * h)\n")
WRONG["nb09.hvp"].update({
    "central difference of the gradient, h = 1e-5": _FD_HVP.format(h="1e-5"),
    "central difference of the gradient, h = 1e-3": _FD_HVP.format(h="1e-3"),
    "central difference of the gradient, h = 1e-7": _FD_HVP.format(h="1e-7"),
    "forward difference of the gradient": (
        "def hvp(f, x, v, h=1e-6):\n"
        "    def g(z):\n"
        "        z = z.detach().requires_grad_(True)\n"
        "        return torch.autograd.grad(f(z), z)[0]\n"
        "    return (g(x + h * v) - g(x)) / h\n"),
})
WRONG["nb09.nth_derivative"].update({
    "off by one the other way (range(n - 1))": (
        "def nth_derivative(f, x, n):\n"
        "    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)\n"
        "    y = f(t)\n"
        "    for _ in range(max(n - 1, 0)):\n"
        "        (y,) = torch.autograd.grad(y, t, create_graph=True)\n"
        "    return y.item()\n"),
    "differentiates the first derivative each time (not the last)": (
        "def nth_derivative(f, x, n):\n"
        "    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)\n"
        "    y = f(t)\n"
        "    if n == 0:\n"
        "        return y.item()\n"
        "    (d,) = torch.autograd.grad(y, t, create_graph=True)\n"
        "    return (d * n).item()\n"),
})
_HESSIAN_HEAD = (
    "def hessian(f, x):\n"
    "    x = x.detach().requires_grad_(True)\n")
_NEWTON_HEAD = (
    "import numpy as np\n"
    "from minigrad.autograd.functional import hessian as _hessian\n"
    "def newton_step(f, x):\n"
    "    t = x.detach().requires_grad_(True)\n"
    "    (g,) = torch.autograd.grad(f(t), t)\n"
    "    g = g.numpy()\n"
    "    H = _hessian(f, x.detach()).numpy()\n")
WRONG["nb09.hessian"].update({
    "forgets create_graph=True": _HESSIAN_HEAD + (
        "    (g,) = torch.autograd.grad(f(x), x)\n"
        "    basis = torch.eye(x.numel(), dtype=x.dtype)\n"
        "    columns = [torch.autograd.grad(g @ e, x, retain_graph=True)[0] for e in basis]\n"
        "    return torch.stack(columns, dim=1)\n"),
    "forgets retain_graph=True": _HESSIAN_HEAD + (
        "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
        "    basis = torch.eye(x.numel(), dtype=x.dtype)\n"
        "    columns = [torch.autograd.grad(g @ e, x)[0] for e in basis]\n"
        "    return torch.stack(columns, dim=1)\n"),
    "forgets requires_grad on x": (
        "def hessian(f, x):\n"
        "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
        "    basis = torch.eye(x.numel(), dtype=x.dtype)\n"
        "    columns = [torch.autograd.grad(g @ e, x, retain_graph=True)[0] for e in basis]\n"
        "    return torch.stack(columns, dim=1)\n"),
    "the same column H 1 every time (differentiates g.sum())": _HESSIAN_HEAD + (
        "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
        "    (column,) = torch.autograd.grad(g.sum(), x)\n"
        "    return torch.stack([column] * x.numel(), dim=1)\n"),
})
WRONG["nb09.newton_step"].update({
    "returns the step, not the new point": _NEWTON_HEAD + (
        "    return np.linalg.solve(H, g)\n"),
    "only the diagonal of H": _NEWTON_HEAD + (
        "    return x.detach().numpy() - g / np.diag(H)\n"),
    "elementwise * with the inverse": _NEWTON_HEAD + (
        "    return x.detach().numpy() - np.linalg.inv(H) * g\n"),
    "1 / H elementwise for the inverse": _NEWTON_HEAD + (
        "    return x.detach().numpy() - (1 / H) @ g\n"),
})
WRONG["nb09.hessian"]["central differences of the gradient, h = 1e-5"] = (
    "import numpy as np\n"
    "def hessian(f, x, h=1e-5):\n"
    "    def g(z):\n"
    "        z = z.detach().requires_grad_(True)\n"
    "        return torch.autograd.grad(f(z), z)[0].numpy()\n"
    "    n = x.numel()\n"
    "    columns = [(g(x + torch.tensor(h * e)) - g(x - torch.tensor(h * e))) / (2 * h)\n"
    "               for e in np.eye(n)]\n"
    "    return np.stack(columns, axis=1)\n")
WRONG["nb09.newton_step"]["a Hessian by central differences (h = 1e-5)"] = (
    "import numpy as np\n"
    "def newton_step(f, x, h=1e-5):\n"
    "    def g(z):\n"
    "        z = z.detach().requires_grad_(True)\n"
    "        return torch.autograd.grad(f(z), z)[0].numpy()\n"
    "    H = np.stack([(g(x + torch.tensor(h * e)) - g(x - torch.tensor(h * e))) / (2 * h)\n"
    "                  for e in np.eye(x.numel())], axis=1)\n"
    "    return x.detach().numpy() - np.linalg.solve(H, g(x))\n")
