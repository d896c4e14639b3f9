"""Alternative correct answers for lesson 6 (tensors, VJPs by hand)."""

RIGHT = {
    "nb06.matmul_vjp": {
        "float32 (PyTorch's default dtype)": (
            "import numpy as np\n"
            "def matmul_vjp(g, A, B):\n"
            "    g, A, B = (np.asarray(v, dtype=np.float32) for v in (g, A, B))\n"
            "    return g @ B.T, A.T @ g\n"),
        "einsum, list return": (
            "import numpy as np\n"
            "def matmul_vjp(g, A, B):\n"
            "    return [np.einsum('nm,km->nk', g, B), np.einsum('nk,nm->km', A, g)]\n"),
        "loops: one outer product per entry of g": (
            "import numpy as np\n"
            "def matmul_vjp(g, A, B):\n"
            "    grad_A, grad_B = np.zeros(A.shape), np.zeros(B.shape)\n"
            "    for i in range(g.shape[0]):\n"
            "        for j in range(g.shape[1]):\n"
            "            grad_A[i] += g[i, j] * B[:, j]\n"
            "            grad_B[:, j] += g[i, j] * A[i]\n"
            "    return grad_A, grad_B\n"),
        "transposes of the transposed products": (
            "import numpy as np\n"
            "def matmul_vjp(g, A, B):\n"
            "    return np.dot(B, g.T).T, np.dot(g.T, A).T\n"),
    },
    "nb06.softmax_vjp": {
        "keepdims inner product": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    return s * (g - (g * s).sum(axis=-1, keepdims=True))\n"),
        "float32": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    g, s = np.float32(g), np.float32(s)\n"
            "    return s * g - s * np.sum(g * s, axis=-1, keepdims=True)\n"),
        "the Jacobian of every row, by broadcasting and einsum": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    n = s.shape[-1]\n"
            "    J = s[..., :, None] * np.eye(n) - s[..., :, None] * s[..., None, :]\n"
            "    return np.einsum('...i,...ij->...j', g, J)\n"),
        "a loop over the rows, with np.diag and np.outer": (
            "import numpy as np\n"
            "def softmax_vjp(g, s):\n"
            "    rows = [gi @ (np.diag(si) - np.outer(si, si))\n"
            "            for gi, si in zip(np.atleast_2d(g), np.atleast_2d(s))]\n"
            "    return np.array(rows).reshape(np.shape(s))\n"),
    },
    "nb06.unbroadcast": {
        "loop over axes": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    while grad.ndim > len(shape):\n"
            "        grad = grad.sum(axis=0)\n"
            "    for i, s in enumerate(shape):\n"
            "        if s == 1 and grad.shape[i] != 1:\n"
            "            grad = grad.sum(axis=i, keepdims=True)\n"
            "    return grad\n"),
        "one sum then reshape": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    lead = grad.ndim - len(shape)\n"
            "    axes = tuple(range(lead)) + tuple(\n"
            "        lead + i for i, s in enumerate(shape) if s == 1)\n"
            "    return grad.sum(axis=axes).reshape(shape)\n"),
        "keepdims sum over every axis to remove, reshape, as a list": (
            "import numpy as np\n"
            "def unbroadcast(grad, shape):\n"
            "    shape = tuple(shape)\n"
            "    padded = (1,) * (grad.ndim - len(shape)) + shape\n"
            "    axes = tuple(i for i, (n, m) in enumerate(zip(padded, grad.shape)) if n != m)\n"
            "    out = np.sum(grad, axis=axes, keepdims=True).reshape(shape)\n"
            "    return out.tolist() if shape else float(out)\n"),
    },
    "nb06.jacobian_rev": {
        "requires_grad_ on the argument itself, in place": (
            "def jacobian_rev(f, x):\n"
            "    x.requires_grad_()\n"
            "    y = f(x)\n"
            "    rows = []\n"
            "    for i in range(y.numel()):\n"
            "        x.grad = None\n"
            "        e = torch.zeros_like(y)\n"
            "        e[i] = 1.0\n"
            "        y.backward(e, retain_graph=True)\n"
            "        rows.append(x.grad.clone())\n"
            "    return torch.stack(rows)\n"),
        "y.backward per row, with x.grad reset in between": (
            "def jacobian_rev(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    y = f(x)\n"
            "    m = y.numel()\n"
            "    rows = []\n"
            "    for i in range(m):\n"
            "        x.grad = None\n"
            "        y.backward(gradient=torch.tensor(np.eye(m)[i]), retain_graph=True)\n"
            "        rows.append(x.grad.clone())\n"
            "    return torch.stack(rows)\n"),
        "the lesson's vjp, one call per row": (
            "def jacobian_rev(f, x):\n"
            "    m = f(x).numel()\n"
            "    return torch.stack([vjp(f, x, e)[1] for e in torch.eye(m, dtype=x.dtype)])\n"),
        "differences of the accumulated .grad, as a NumPy array": (
            "import numpy as np\n"
            "def jacobian_rev(f, x):\n"
            "    x = x.detach().requires_grad_(True)\n"
            "    y = f(x)\n"
            "    before = np.zeros(x.numel())\n"
            "    J = []\n"
            "    for e in np.eye(y.numel()):\n"
            "        y.backward(torch.tensor(e), retain_graph=True)\n"
            "        total = x.grad.numpy().copy()\n"
            "        J.append(total - before)\n"
            "        before = total\n"
            "    return np.array(J)\n"),
    },
    "nb06.mlp_backward": {
        "one-hot matrix, softmax without the max shift": (
            "import numpy as np\n"
            "def mlp_backward(X, labels, W1, b1, W2, b2):\n"
            "    N = len(labels)\n"
            "    z = X @ W1 + b1\n"
            "    h = z * (z > 0)\n"
            "    logits = h @ W2 + b2\n"
            "    e = np.exp(logits)\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n"
            "    Y = np.eye(W2.shape[1])[labels]\n"
            "    dlogits = (p - Y) / N\n"
            "    dh = dlogits @ W2.T\n"
            "    dz = np.where(z > 0, dh, 0.0)\n"
            "    return {'dlogits': dlogits, 'dh': dh, 'dW2': h.T @ dlogits,\n"
            "            'db2': dlogits.sum(0), 'dW1': X.T @ dz, 'db1': dz.sum(0)}\n"),
        "example by example, lists returned": (
            "import numpy as np\n"
            "def mlp_backward(X, labels, W1, b1, W2, b2):\n"
            "    N = len(X)\n"
            "    dW1, db1 = np.zeros_like(W1), np.zeros_like(b1)\n"
            "    dW2, db2 = np.zeros_like(W2), np.zeros_like(b2)\n"
            "    dlogits, dhs = [], []\n"
            "    for x, y in zip(X, labels):\n"
            "        z = x @ W1 + b1\n"
            "        h = np.maximum(z, 0)\n"
            "        out = h @ W2 + b2\n"
            "        p = np.exp(out - out.max())\n"
            "        p = p / p.sum()\n"
            "        dl = p.copy()\n"
            "        dl[y] -= 1\n"
            "        dl /= N\n"
            "        dh = W2 @ dl\n"
            "        dz = dh * (z > 0)\n"
            "        dW2 += np.outer(h, dl)\n"
            "        db2 += dl\n"
            "        dW1 += np.outer(x, dz)\n"
            "        db1 += dz\n"
            "        dlogits.append(list(dl))\n"
            "        dhs.append(list(dh))\n"
            "    return {'dlogits': dlogits, 'dh': dhs, 'dW2': dW2.tolist(), 'db2': list(db2),\n"
            "            'dW1': dW1.tolist(), 'db1': tuple(db1)}\n"),
        "float32 throughout": (
            "import numpy as np\n"
            "def mlp_backward(X, labels, W1, b1, W2, b2):\n"
            "    X, W1, b1, W2, b2 = (np.float32(a) for a in (X, W1, b1, W2, b2))\n"
            "    N = X.shape[0]\n"
            "    z = X @ W1 + b1\n"
            "    h = np.maximum(z, 0)\n"
            "    logits = h @ W2 + b2\n"
            "    p = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p /= p.sum(axis=1, keepdims=True)\n"
            "    p[np.arange(N), labels] -= 1\n"
            "    dlogits = p / N\n"
            "    dh = dlogits @ W2.T\n"
            "    dz = dh * (z > 0)\n"
            "    return {'dlogits': dlogits, 'dh': dh, 'dW2': h.T @ dlogits,\n"
            "            'db2': dlogits.sum(axis=0), 'dW1': X.T @ dz, 'db1': dz.sum(axis=0)}\n"),
    },
}
