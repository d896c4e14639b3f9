"""Plausible wrong answers for lesson 6 (VJPs, unbroadcast, Jacobians, backprop by hand)."""

_MLP_HEAD = (
    "import numpy as np\n"
    "def mlp_backward(X, labels, W1, b1, W2, b2):\n"
    "    N = X.shape[0]\n"
    "    z = X @ W1 + b1\n"
    "    h = np.maximum(z, 0)\n"
    "    logits = h @ W2 + b2\n")
_SOFTMAX_ROWS = (
    "    p = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
    "    p /= p.sum(axis=1, keepdims=True)\n")
_ONE_HOT = "    dlogits[np.arange(N), np.asarray(labels)] -= 1\n"


def _mlp(scale: str = "N", dz: str = "dh * (z > 0)", db1: str = "dz.sum(axis=0)",
         softmax: str = _SOFTMAX_ROWS, one_hot: str = _ONE_HOT,
         db2: str = "dlogits.sum(axis=0)") -> str:
    return _MLP_HEAD + softmax + "    dlogits = p.copy()\n" + one_hot + (
        f"    dlogits /= {scale}\n"
        "    dh = dlogits @ W2.T\n"
        f"    dz = {dz}\n"
        "    return {'dlogits': dlogits, 'dh': dh, 'dW2': h.T @ dlogits,\n"
        f"            'db2': {db2}, 'dW1': X.T @ dz, 'db1': {db1}}}\n")


_JACOBIAN_ROWS = (
    "def jacobian_rev(f, x):\n"
    "    x = x.detach().requires_grad_(True)\n"
    "    y = f(x)\n")

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
        "the two gradients swapped": (
            "def matmul_vjp(g, A, B):\n    return A.T @ g, g @ B.T\n"),
        "the transposes of the right gradients (B @ g.T, g.T @ A)": (
            "def matmul_vjp(g, A, B):\n    return B @ g.T, g.T @ A\n"),
        "forgets the transpose of A in grad_B": (
            "def matmul_vjp(g, A, B):\n    return g @ B.T, A @ g\n"),
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
        "sigmoid's derivative s (1 - s), elementwise": (
            "def softmax_vjp(g, s):\n    return s * (1 - s) * g\n"),
        "inner product without keepdims": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n    return s * (g - np.sum(g * s, axis=-1))\n"),
        "inner product along the first axis": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    return s * (g - np.sum(g * s, axis=0, keepdims=True))\n"),
        "the plain sum of g instead of <g, s>": (
            "def softmax_vjp(g, s):\n"
            "    return s * (g - g.sum(axis=-1, keepdims=True))\n"),
        "the Jacobian with np.diag and np.outer (one vector only)": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    J = np.diag(s) - np.outer(s, s)\n"
            "    return g @ J\n"),
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
        "keeps the leading axes too (keepdims everywhere)": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    lead = grad.ndim - len(shape)\n"
            "    grad = np.sum(grad, axis=tuple(range(lead)), keepdims=True)\n"
            "    axes = tuple(lead + i for i, n in enumerate(shape)\n"
            "                 if n == 1 and grad.shape[lead + i] != 1)\n"
            "    return np.sum(grad, axis=axes, keepdims=True)\n"),
        "lines the shapes up from the left (sums trailing axes)": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    grad = np.sum(grad, axis=tuple(range(len(shape), grad.ndim)))\n"
            "    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return np.sum(grad, axis=axes, keepdims=True)\n"),
        "size-1 axes first, indexed without the leading offset": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    grad = np.sum(grad, axis=axes, keepdims=True)\n"
            "    return np.sum(grad, axis=tuple(range(grad.ndim - len(shape))))\n"),
        "reshapes instead of summing the stretched axes": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    grad = np.sum(grad, axis=tuple(range(grad.ndim - len(shape))))\n"
            "    return grad.reshape(shape)\n"),
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
        "forgets retain_graph=True": _JACOBIAN_ROWS + (
            "    rows = [torch.autograd.grad(y, x, grad_outputs=e)[0]\n"
            "            for e in torch.eye(y.numel(), dtype=y.dtype)]\n"
            "    return torch.stack(rows)\n"),
        "one pass per input (one-hot vectors of x's size)": _JACOBIAN_ROWS + (
            "    rows = [torch.autograd.grad(y, x, grad_outputs=e, retain_graph=True)[0]\n"
            "            for e in torch.eye(x.numel(), dtype=x.dtype)]\n"
            "    return torch.stack(rows)\n"),
        "columns by forward-mode JVPs (not VJPs)": (
            "def jacobian_rev(f, x):\n"
            "    columns = [jvp(f, x, e)[1] for e in torch.eye(x.numel(), dtype=x.dtype)]\n"
            "    return torch.stack(columns, dim=1)\n"),
        "keeps x.grad itself (no clone) and zeroes it in place": _JACOBIAN_ROWS + (
            "    rows = []\n"
            "    for e in torch.eye(y.numel(), dtype=y.dtype):\n"
            "        y.backward(e, retain_graph=True)\n"
            "        rows.append(x.grad)\n"
            "        x.grad.zero_()\n"
            "    return torch.stack(rows)\n"),
    },
    "nb06.mlp_backward": {
        "sum instead of mean (no 1/N)": _mlp(scale="1"),
        "forgets relu's mask": _mlp(dz="dh"),
        "bias gradient averaged over the batch": _mlp(db1="dz.mean(axis=0)"),
        "relu's mask taken from the gradient (dh > 0), not from z": _mlp(dz="dh * (dh > 0)"),
        "forgets to subtract the one-hot labels": _mlp(one_hot=""),
        "fancy indexing dlogits[:, labels] (every row, each label's column)": _mlp(
            one_hot="    dlogits[:, labels] -= 1\n"),
        "softmax over the batch axis (axis=0)": _mlp(softmax=(
            "    p = np.exp(logits - logits.max(axis=0, keepdims=True))\n"
            "    p /= p.sum(axis=0, keepdims=True)\n")),
        "output bias summed over the classes (axis=1)": _mlp(db2="dlogits.sum(axis=1)"),
    },
}
