"""Alternative correct answers to lesson 9's exercises."""

RIGHT = {
    "nb09.nth_derivative": {
        "float32 (PyTorch's default dtype)": (
            "def nth_derivative(f, x, n):\n"
            "    t = torch.tensor(x, requires_grad=True)\n"
            "    y = f(t)\n"
            "    for _ in range(n):\n"
            "        y = torch.autograd.grad(y, t, create_graph=True)[0]\n"
            "    return y\n"),
        "recursive": (
            "def nth_derivative(f, x, n):\n"
            "    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)\n"
            "    def d(y, k):\n"
            "        if k == 0:\n"
            "            return y\n"
            "        return d(torch.autograd.grad(y, t, create_graph=True)[0], k - 1)\n"
            "    return float(d(f(t), n))\n"),
    },
    "nb09.hvp": {
        "backward twice, on a fresh leaf": (
            "def hvp(f, x, v):\n"
            "    leaf = x.clone().detach().requires_grad_(True)\n"
            "    g = torch.autograd.grad(f(leaf), leaf, create_graph=True)[0]\n"
            "    (g * v).sum().backward()\n"
            "    return leaf.grad\n"),
        "torch.autograd.functional.hvp": (
            "def hvp(f, x, v):\n"
            "    return torch.autograd.functional.hvp(f, x, v)[1]\n"),
    },
    "nb09.hessian": {
        "rows by backward, as a NumPy array": (
            "import numpy as np\n"
            "def hessian(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    g = torch.autograd.grad(f(x), x, create_graph=True)[0]\n"
            "    n = x.numel()\n"
            "    H = np.zeros((n, n))\n"
            "    for i in range(n):\n"
            "        H[i] = torch.autograd.grad(g[i], x, retain_graph=True)[0].numpy()\n"
            "    return H\n"),
        "the lesson's functional.hessian": (
            "def hessian(f, x):\n"
            "    return functional.hessian(f, x)\n"),
    },
    "nb09.newton_step": {
        "functional.hessian, imported by the lesson's demo cell": (
            "import numpy as np\n"
            "def newton_step(f, x):\n"
            "    H = functional.hessian(f, x).numpy()\n"
            "    t = x.detach().requires_grad_(True)\n"
            "    f(t).backward()\n"
            "    return x.detach().numpy() - np.linalg.solve(H, t.grad.numpy())\n"),
        "as a list, with the inverse": (
            "import numpy as np\n"
            "def newton_step(f, x):\n"
            "    H = torch.autograd.functional.hessian(f, x).numpy()\n"
            "    t = x.detach().requires_grad_(True)\n"
            "    (g,) = torch.autograd.grad(f(t), t)\n"
            "    return list(x.detach().numpy() - np.linalg.inv(H) @ g.numpy())\n"),
    },
}

RIGHT["nb09.hessian"].update({
    "one hvp of exercise 9.2 per column": (
        "def hessian(f, x):\n"
        "    basis = torch.eye(x.numel(), dtype=x.dtype)\n"
        "    return torch.stack([hvp(f, x, e) for e in basis], dim=1)\n"),
    "float32 (PyTorch's default dtype)": (
        "def hessian(f, x):\n"
        "    x = x.detach().float().requires_grad_(True)\n"
        "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
        "    rows = [torch.autograd.grad(g[i], x, retain_graph=True)[0]\n"
        "            for i in range(x.numel())]\n"
        "    return torch.stack(rows)\n"),
})
RIGHT["nb09.newton_step"].update({
    "with the hessian of exercise 9.3, returning a tensor": (
        "import numpy as np\n"
        "def newton_step(f, x):\n"
        "    H = hessian(f, x)\n"
        "    t = x.detach().requires_grad_(True)\n"
        "    f(t).backward()\n"
        "    d = np.linalg.solve(H.numpy(), t.grad.numpy())\n"
        "    return x.detach() - torch.tensor(d)\n"),
    "float32, by least squares": (
        "import numpy as np\n"
        "def newton_step(f, x):\n"
        "    x32 = x.detach().float()\n"
        "    H = torch.autograd.functional.hessian(f, x32).numpy()\n"
        "    t = x32.clone().requires_grad_(True)\n"
        "    (g,) = torch.autograd.grad(f(t), t)\n"
        "    d = np.linalg.lstsq(H, g.numpy(), rcond=None)[0]\n"
        "    return x32.numpy() - d\n"),
})
