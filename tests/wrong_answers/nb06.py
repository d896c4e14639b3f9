"""Plausible wrong answers for lesson 6 (VJPs, unbroadcast, Jacobians, backprop by hand)."""

_MLP_HEAD = (
    "import numpy as np\n"
    "def mlp_backward(X, labels, W1, b1, W2, b2):\n"
    "    N = X.shape[0]\n"
    "    z = X @ W1 + b1\n"
    "    h = np.maximum(z, 0)\n"
    "    logits = h @ W2 + b2\n"
    "    p = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
    "    p /= p.sum(axis=1, keepdims=True)\n"
    "    dlogits = p.copy()\n"
    "    dlogits[np.arange(N), np.asarray(labels)] -= 1\n")


def _mlp(scale: str, dz: str, db1: str) -> str:
    return _MLP_HEAD + (
        f"    dlogits /= {scale}\n"
        "    dh = dlogits @ W2.T\n"
        f"    dz = {dz}\n"
        "    return {'dlogits': dlogits, 'dh': dh, 'dW2': h.T @ dlogits,\n"
        f"            'db2': dlogits.sum(axis=0), 'dW1': X.T @ dz, 'db1': {db1}}}\n")


WRONG = {
    "nb06.matmul_vjp": {
        "transposes on the wrong side": "def matmul_vjp(g, A, B):\n    return B.T @ g.T, g.T @ A\n",
        "the Jacobian-vector product (no transposes)": (
            "def matmul_vjp(g, A, B):\n    return g @ B, A @ g\n"),
        "calls minigrad's autograd": (
            "import minigrad\n"
            "def matmul_vjp(g, A, B):\n"
            "    a = minigrad.tensor(A, requires_grad=True)\n"
            "    b = minigrad.tensor(B, requires_grad=True)\n"
            "    (a @ b).backward(minigrad.tensor(g))\n"
            "    return a.grad.numpy(), b.grad.numpy()\n"),
    },
    "nb06.softmax_vjp": {
        "diagonal part only": "def softmax_vjp(g, s):\n    return s * g\n",
        "one inner product for the whole batch": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n    return s * (g - np.sum(g * s))\n"),
        "sign error": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    return s * (g + np.sum(g * s, axis=-1, keepdims=True))\n"),
    },
    "nb06.unbroadcast": {
        "sums leading axes only": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    return np.sum(grad, axis=tuple(range(grad.ndim - len(shape))))\n"),
        "drops the size-1 axes (no keepdims)": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    grad = np.sum(grad, axis=tuple(range(grad.ndim - len(shape))))\n"
            "    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return np.sum(grad, axis=axes)\n"),
        "averages instead of summing": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    grad = np.mean(grad, axis=tuple(range(grad.ndim - len(shape))))\n"
            "    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return np.mean(grad, axis=axes, keepdims=True)\n"),
    },
    "nb06.jacobian_rev": {
        "forgets that .grad accumulates": (
            "def jacobian_rev(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    y = f(x)\n"
            "    rows = []\n"
            "    for e in torch.eye(y.numel(), dtype=y.dtype):\n"
            "        y.backward(e, retain_graph=True)\n"
            "        rows.append(x.grad.clone())\n"
            "    return torch.stack(rows)\n"),
        "columns instead of rows (the transpose)": (
            "def jacobian_rev(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    y = f(x)\n"
            "    rows = [torch.autograd.grad(y, x, grad_outputs=e, retain_graph=True)[0]\n"
            "            for e in torch.eye(y.numel(), dtype=y.dtype)]\n"
            "    return torch.stack(rows).T\n"),
        "uses minigrad's ready-made jacobian": (
            "from minigrad.autograd.functional import jacobian as ready_made\n"
            "def jacobian_rev(f, x):\n"
            "    return ready_made(f, x)\n"),
        "one pass of the sum (a gradient, not a Jacobian)": (
            "def jacobian_rev(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    f(x).sum().backward()\n"
            "    return torch.stack([x.grad] * f(x).numel())\n"),
    },
    "nb06.mlp_backward": {
        "sum instead of mean (no 1/N)": _mlp("1", "dh * (z > 0)", "dz.sum(axis=0)"),
        "forgets relu's mask": _mlp("N", "dh", "dz.sum(axis=0)"),
        "bias gradient averaged over the batch": _mlp("N", "dh * (z > 0)", "dz.mean(axis=0)"),
    },
}
