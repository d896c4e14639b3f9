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
    },
}
