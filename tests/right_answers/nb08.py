"""Alternative correct answers to lesson 8's exercises."""

RIGHT = {
    "nb08.accumulated_grad": {
        "grad = None, sum over the micro-batch divided by N": (
            "def accumulated_grad(w, X, y, k):\n"
            "    w.grad = None\n"
            "    n = X.shape[0]\n"
            "    size = n // k\n"
            "    for start in range(0, n, size):\n"
            "        r = X[start:start + size] @ w - y[start:start + size]\n"
            "        ((r ** 2).sum() / n).backward()\n"
            "    return w.grad\n"),
        "returns a NumPy copy": (
            "def accumulated_grad(w, X, y, k):\n"
            "    w.grad.zero_()\n"
            "    size = X.shape[0] // k\n"
            "    for j in range(k):\n"
            "        loss = ((X[j * size:(j + 1) * size] @ w\n"
            "                 - y[j * size:(j + 1) * size]) ** 2).mean()\n"
            "        (loss / k).backward()\n"
            "    return w.grad.numpy().copy()\n"),
        "torch.chunk into micro-batches": (
            "def accumulated_grad(w, X, y, k):\n"
            "    w.grad = None\n"
            "    for Xb, yb in zip(torch.chunk(X, k), y.chunk(k)):\n"
            "        (((Xb @ w - yb) ** 2).mean() / k).backward()\n"
            "    return w.grad\n"),
    },
    "nb08.grad_with_detach": {
        "detached copy of x, backward with ones": (
            "def grad_with_detach(x):\n"
            "    u = x.detach()\n"
            "    z = x * u * u + x * x\n"
            "    z.backward(torch.ones_like(z))\n"
            "    return x.grad\n"),
        "returns a list": (
            "def grad_with_detach(x):\n"
            "    (x * (x**2).detach() + x**2).sum().backward()\n"
            "    return x.grad.numpy().tolist()\n"),
    },
    "nb08.sgd_step": {
        "sub_ and grad = None": (
            "def sgd_step(params, lr):\n"
            "    with torch.no_grad():\n"
            "        for p in params:\n"
            "            p.sub_(lr * p.grad)\n"
            "    for p in params:\n"
            "        p.grad = None\n"),
        "through .data": (
            "def sgd_step(params, lr):\n"
            "    for p in params:\n"
            "        p.data -= lr * p.grad\n"
            "        p.grad.zero_()\n"),
    },
    "nb08.train": {
        "own sgd helper, grad = None": (
            "def _step(p, lr):\n"
            "    with torch.no_grad():\n"
            "        p.sub_(lr * p.grad)\n"
            "\n"
            "\n"
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps):\n"
            "        w.grad = None\n"
            "        loss = ((X @ w - y) ** 2).mean()\n"
            "        losses.append(float(loss.item()))\n"
            "        loss.backward()\n"
            "        _step(w, lr)\n"
            "    return losses\n"),
        "while loop, tuple of losses": (
            "def train(w, X, y, lr, steps):\n"
            "    losses, i = [], 0\n"
            "    while i < steps:\n"
            "        r = X @ w - y\n"
            "        loss = (r * r).sum() / X.shape[0]\n"
            "        losses.append(loss.item())\n"
            "        if w.grad is not None:\n"
            "            w.grad.zero_()\n"
            "        loss.backward()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "        i += 1\n"
            "    return tuple(losses)\n"),
    },
}
