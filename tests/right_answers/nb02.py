"""Alternative correct answers to lesson 2's exercises."""

RIGHT = {
    "nb02.grad_quadratic": {
        "two products": "def grad_quadratic(A, b, x):\n"
                        "    return A @ x + A.T @ x + b\n",
        "einsum, a list": ("import numpy as np\n"
                           "def grad_quadratic(A, b, x):\n"
                           "    g = np.einsum('ij,j->i', A, x) + np.einsum('ji,j->i', A, x) + b\n"
                           "    return g.tolist()\n"),
        "loop over k, float32": (
            "import numpy as np\n"
            "def grad_quadratic(A, b, x):\n"
            "    n = len(x)\n"
            "    g = np.zeros(n, dtype=np.float32)\n"
            "    for k in range(n):\n"
            "        g[k] = sum((A[k, j] + A[j, k]) * x[j] for j in range(n)) + b[k]\n"
            "    return g\n"),
    },
    "nb02.numerical_gradient": {
        "copy per entry, h = 1e-5": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-5):\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    G = np.empty(X.shape)\n"
            "    for i in np.ndindex(X.shape):\n"
            "        up, down = X.copy(), X.copy()\n"
            "        up[i] += h\n"
            "        down[i] -= h\n"
            "        G[i] = (f(up) - f(down)) / (2 * h)\n"
            "    return G\n"),
        "flat loop with reshape, h = 1e-4": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-4):\n"
            "    X = np.array(X, dtype=float)\n"
            "    flat = X.reshape(-1)\n"
            "    G = np.zeros(flat.size)\n"
            "    for k in range(flat.size):\n"
            "        old = flat[k]\n"
            "        flat[k] = old + h\n"
            "        up = f(X)\n"
            "        flat[k] = old - h\n"
            "        down = f(X)\n"
            "        flat[k] = old\n"
            "        G[k] = (up - down) / (2 * h)\n"
            "    return G.reshape(X.shape)\n"),
        "unit basis arrays, h = 1e-7": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-7):\n"
            "    X = np.asarray(X, dtype=np.float64)\n"
            "    G = np.zeros_like(X)\n"
            "    for i in np.ndindex(X.shape):\n"
            "        E = np.zeros_like(X)\n"
            "        E[i] = 1.0\n"
            "        G[i] = (f(X + h * E) - f(X - h * E)) / (2 * h)\n"
            "    return G\n"),
    },
    "nb02.matrix_gradients": {
        "cofactors by hand": (
            "import numpy as np\n"
            "def matrix_gradients(A, x, y):\n"
            "    n = A.shape[0]\n"
            "    C = np.zeros_like(A)\n"
            "    for i in range(n):\n"
            "        for j in range(n):\n"
            "            minor = np.delete(np.delete(A, i, axis=0), j, axis=1)\n"
            "            C[i, j] = (-1) ** (i + j) * np.linalg.det(minor)\n"
            "    return x[:, None] * y[None, :], C / np.linalg.det(A)\n"),
        "solve instead of inv, a list": (
            "import numpy as np\n"
            "def matrix_gradients(A, x, y):\n"
            "    inv_t = np.linalg.solve(A.T, np.eye(len(A)))\n"
            "    return [np.einsum('i,j->ij', x, y), inv_t]\n"),
        "float32": ("import numpy as np\n"
                    "def matrix_gradients(A, x, y):\n"
                    "    return (np.outer(x, y).astype(np.float32),\n"
                    "            np.linalg.inv(A.T).astype(np.float32))\n"),
    },
    "nb02.directional_derivative": {
        "h = 1e-5 (lesson 1's best step)": (
            "def directional_derivative(f, x, v, h=1e-5):\n"
            "    return (f(x + h * v) - f(x - h * v)) / (2 * h)\n"),
        "h = 1e-4": ("def directional_derivative(f, x, v):\n"
                     "    h = 1e-4\n"
                     "    up = f(x + h * v)\n"
                     "    down = f(x - h * v)\n"
                     "    return (up - down) / (2 * h)\n"),
        "slice function, h = 1e-7": (
            "def directional_derivative(f, x, v):\n"
            "    phi = lambda t: f(x + t * v)\n"
            "    h = 1e-7\n"
            "    return (phi(h) - phi(-h)) / (2 * h)\n"),
    },
}
