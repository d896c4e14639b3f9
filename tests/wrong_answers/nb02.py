"""Typical wrong answers to lesson 2's exercises."""

WRONG = {
    "nb02.grad_quadratic": {
        "transposed only": "def grad_quadratic(A, b, x):\n"
                           "    return A.T @ x + b\n",
        "x A instead of A x (row times matrix twice)": (
            "def grad_quadratic(A, b, x):\n"
            "    return 2 * x @ A + b\n"),
        "sign of the linear term": "def grad_quadratic(A, b, x):\n"
                                   "    return (A + A.T) @ x - b\n",
        "assumes A symmetric (2Ax + b)": "def grad_quadratic(A, b, x):\n"
                                         "    return 2 * A @ x + b\n",
        "one term of the product rule": "def grad_quadratic(A, b, x):\n"
                                        "    return A @ x + b\n",
        "forgets the linear term": "def grad_quadratic(A, b, x):\n"
                                   "    return (A + A.T) @ x\n",
        "calls minigrad's autograd": (
            "import minigrad\n"
            "def grad_quadratic(A, b, x):\n"
            "    t = minigrad.tensor(x, requires_grad=True)\n"
            "    (t @ minigrad.tensor(A) @ t + minigrad.tensor(b) @ t).backward()\n"
            "    return t.grad.numpy()\n"),
    },
    "nb02.numerical_gradient": {
        "does not put the entry back": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    X = np.array(X, dtype=float)\n"
            "    G = np.zeros_like(X)\n"
            "    for i in np.ndindex(X.shape):\n"
            "        X[i] += h\n"
            "        up = f(X)\n"
            "        X[i] -= 2 * h\n"
            "        G[i] = (up - f(X)) / (2 * h)\n"
            "    return G\n"),
        "nudges every entry at once": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    return np.full(X.shape, (f(X + h) - f(X - h)) / (2 * h))\n"),
        "rows only (loops over the first axis)": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    X = np.array(X, dtype=float)\n"
            "    G = np.zeros_like(X)\n"
            "    for i in range(X.shape[0]):\n"
            "        E = np.zeros_like(X); E[i] = h\n"
            "        G[i] = (f(X + E) - f(X - E)) / (2 * h)\n"
            "    return G\n"),
        "vectors only (flat loop over len)": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    X = np.array(X, dtype=float)\n"
            "    G = np.zeros(len(X))\n"
            "    for i in range(len(X)):\n"
            "        E = np.zeros_like(X); E.flat[i] = h\n"
            "        G[i] = (f(X + E) - f(X - E)) / (2 * h)\n"
            "    return G\n"),
        "divides by h instead of 2h": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    X = np.array(X, dtype=float)\n"
            "    G = np.zeros_like(X)\n"
            "    for i in np.ndindex(X.shape):\n"
            "        E = np.zeros_like(X); E[i] = h\n"
            "        G[i] = (f(X + E) - f(X - E)) / h\n"
            "    return G\n"),
        "forward difference with a large step": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-3):\n"
            "    X = np.array(X, dtype=float)\n"
            "    G = np.zeros_like(X)\n"
            "    for i in np.ndindex(X.shape):\n"
            "        E = np.zeros_like(X); E[i] = h\n"
            "        G[i] = (f(X + E) - f(X)) / h\n"
            "    return G\n"),
        "returns a flat vector": (
            "import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    X = np.array(X, dtype=float)\n"
            "    G = np.zeros(X.size)\n"
            "    for k, i in enumerate(np.ndindex(X.shape)):\n"
            "        E = np.zeros_like(X); E[i] = h\n"
            "        G[k] = (f(X + E) - f(X - E)) / (2 * h)\n"
            "    return G\n"),
    },
    "nb02.matrix_gradients": {
        "sign of the log det gradient": (
            "import numpy as np\n"
            "def matrix_gradients(A, x, y):\n"
            "    return np.outer(x, y), -np.linalg.inv(A).T\n"),
        "gradient of det, not log det": (
            "import numpy as np\n"
            "def matrix_gradients(A, x, y):\n"
            "    return np.outer(x, y), np.linalg.det(A) * np.linalg.inv(A).T\n"
            "    # (same as the adjugate transposed)\n"),
        "elementwise product instead of outer": (
            "import numpy as np\n"
            "def matrix_gradients(A, x, y):\n"
            "    return np.diag(x * y), np.linalg.inv(A).T\n"),
        "reciprocal entries instead of the inverse": (
            "import numpy as np\n"
            "def matrix_gradients(A, x, y):\n"
            "    return np.outer(x, y), 1 / A.T\n"),
        "transposed outer product": "import numpy as np\n"
                                    "def matrix_gradients(A, x, y):\n"
                                    "    return np.outer(y, x), np.linalg.inv(A).T\n",
        "inverse not transposed": "import numpy as np\n"
                                  "def matrix_gradients(A, x, y):\n"
                                  "    return np.outer(x, y), np.linalg.inv(A)\n",
        "scalar instead of matrix": "import numpy as np\n"
                                    "def matrix_gradients(A, x, y):\n"
                                    "    return x @ y, 1 / np.linalg.det(A)\n",
    },
    "nb02.directional_derivative": {
        "forward difference with a large step": (
            "def directional_derivative(f, x, v, h=1e-3):\n"
            "    return (f(x + h * v) - f(x)) / h\n"),
        "divides by h instead of 2h": "def directional_derivative(f, x, v, h=1e-6):\n"
                                      "    return (f(x + h * v) - f(x - h * v)) / h\n",
        "step far too large (h = 0.01)": (
            "def directional_derivative(f, x, v, h=1e-2):\n"
            "    return (f(x + h * v) - f(x - h * v)) / (2 * h)\n"),
        "three calls": ("def directional_derivative(f, x, v, h=1e-6):\n"
                        "    fx = f(x)\n"
                        "    return (f(x + h * v) - fx + fx - f(x - h * v)) / (2 * h)\n"),
        "normalises v": "import numpy as np\n"
                        "def directional_derivative(f, x, v, h=1e-6):\n"
                        "    u = v / np.linalg.norm(v)\n"
                        "    return (f(x + h * u) - f(x - h * u)) / (2 * h)\n",
        "full numerical gradient (2n calls)": (
            "import numpy as np\n"
            "def directional_derivative(f, x, v, h=1e-6):\n"
            "    g = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))]\n"
            "    return float(np.dot(g, v))\n"),
        "sign error": "def directional_derivative(f, x, v, h=1e-6):\n"
                      "    return (f(x - h * v) - f(x + h * v)) / (2 * h)\n",
    },
}
