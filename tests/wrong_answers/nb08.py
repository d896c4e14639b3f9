WRONG = {
    "nb08.accumulated_grad": {
        "forgets zero_()": (
            "def accumulated_grad(w, X, y, k):\n"
            "    size = X.shape[0] // k\n"
            "    for j in range(k):\n"
            "        Xj, yj = X[j * size:(j + 1) * size], y[j * size:(j + 1) * size]\n"
            "        (((Xj @ w - yj) ** 2).mean() / k).backward()\n"
            "    return w.grad\n"),
        "does not scale by 1/k": (
            "def accumulated_grad(w, X, y, k):\n"
            "    w.grad.zero_()\n"
            "    size = X.shape[0] // k\n"
            "    for j in range(k):\n"
            "        Xj, yj = X[j * size:(j + 1) * size], y[j * size:(j + 1) * size]\n"
            "        ((Xj @ w - yj) ** 2).mean().backward()\n"
            "    return w.grad\n"),
        "zeroes inside the loop (keeps the last micro-batch only)": (
            "def accumulated_grad(w, X, y, k):\n"
            "    size = X.shape[0] // k\n"
            "    for j in range(k):\n"
            "        w.grad.zero_()\n"
            "        Xj, yj = X[j * size:(j + 1) * size], y[j * size:(j + 1) * size]\n"
            "        (((Xj @ w - yj) ** 2).mean() / k).backward()\n"
            "    return w.grad\n"),
        "returns a new gradient, leaves w.grad stale": (
            "def accumulated_grad(w, X, y, k):\n"
            "    v = w.detach().clone().requires_grad_(True)\n"
            "    ((X @ v - y) ** 2).mean().backward()\n"
            "    return v.grad\n"),
        "range(k - 1) drops the last micro-batch": (
            "def accumulated_grad(w, X, y, k):\n"
            "    w.grad.zero_()\n"
            "    size = X.shape[0] // k\n"
            "    for j in range(k - 1):\n"
            "        Xj, yj = X[j * size:(j + 1) * size], y[j * size:(j + 1) * size]\n"
            "        (((Xj @ w - yj) ** 2).mean() / k).backward()\n"
            "    return w.grad\n"),
        "divides the micro-batch mean by its size": (
            "def accumulated_grad(w, X, y, k):\n"
            "    w.grad.zero_()\n"
            "    size = X.shape[0] // k\n"
            "    for j in range(k):\n"
            "        Xj, yj = X[j * size:(j + 1) * size], y[j * size:(j + 1) * size]\n"
            "        (((Xj @ w - yj) ** 2).mean() / size).backward()\n"
            "    return w.grad\n"),
    },
    "nb08.grad_with_detach": {
        "no detach": (
            "def grad_with_detach(x):\n"
            "    z = x * x**2 + x**2\n"
            "    z.sum().backward()\n"
            "    return x.grad\n"),
        "returns the detached factor (the d2l example)": (
            "def grad_with_detach(x):\n"
            "    u = (x**2).detach()\n"
            "    (x * u).sum().backward()\n"
            "    return x.grad\n"),
        "detaches the whole second term": (
            "def grad_with_detach(x):\n"
            "    z = x * (x**2).detach() + (x**2).detach()\n"
            "    z.sum().backward()\n"
            "    return x.grad\n"),
        "detaches x in the first term instead of x^2": (
            "def grad_with_detach(x):\n"
            "    z = x.detach() * x**2 + x**2\n"
            "    z.sum().backward()\n"
            "    return x.grad\n"),
        "mean instead of sum": (
            "def grad_with_detach(x):\n"
            "    z = x * (x**2).detach() + x**2\n"
            "    z.mean().backward()\n"
            "    return x.grad\n"),
    },
    "nb08.sgd_step": {
        "rebinds p instead of updating in place": (
            "def sgd_step(params, lr):\n"
            "    for p in params:\n"
            "        p = p.detach() - lr * p.grad\n"
            "        p.requires_grad_(True)\n"),
        "updates in place without no_grad": (
            "def sgd_step(params, lr):\n"
            "    for p in params:\n"
            "        p -= lr * p.grad\n"
            "        p.grad.zero_()\n"),
        "forgets to clear the gradient": (
            "def sgd_step(params, lr):\n"
            "    with torch.no_grad():\n"
            "        for p in params:\n"
            "            p -= lr * p.grad\n"),
        "gradient ascent": (
            "def sgd_step(params, lr):\n"
            "    with torch.no_grad():\n"
            "        for p in params:\n"
            "            p += lr * p.grad\n"
            "            p.grad.zero_()\n"),
        "replaces the list's items with new leaves": (
            "def sgd_step(params, lr):\n"
            "    params[:] = [(p - lr * p.grad).detach().requires_grad_() for p in params]\n"),
        "returns a new list of parameters": (
            "def sgd_step(params, lr):\n"
            "    with torch.no_grad():\n"
            "        new = [(p - lr * p.grad).requires_grad_() for p in params]\n"
            "    for p in params:\n"
            "        p.grad.zero_()\n"
            "    return new\n"),
        "assigns new tensors by index": (
            "def sgd_step(params, lr):\n"
            "    for i, p in enumerate(params):\n"
            "        params[i] = (p.detach() - lr * p.grad).requires_grad_(True)\n"),
    },
    "nb08.train": {
        "forgets zero_grad": (
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps):\n"
            "        loss = ((X @ w - y) ** 2).mean()\n"
            "        losses.append(loss.item())\n"
            "        loss.backward()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "    return losses\n"),
        "records the loss after the update": (
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps):\n"
            "        loss = ((X @ w - y) ** 2).mean()\n"
            "        if w.grad is not None:\n"
            "            w.grad.zero_()\n"
            "        loss.backward()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "        losses.append(((X @ w - y) ** 2).mean().item())\n"
            "    return losses\n"),
        "sum instead of mean": (
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps):\n"
            "        loss = ((X @ w - y) ** 2).sum()\n"
            "        losses.append(loss.item())\n"
            "        if w.grad is not None:\n"
            "            w.grad.zero_()\n"
            "        loss.backward()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "    return losses\n"),
        "off by one: steps - 1 updates": (
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps - 1):\n"
            "        loss = ((X @ w - y) ** 2).mean()\n"
            "        losses.append(loss.item())\n"
            "        if w.grad is not None:\n"
            "            w.grad.zero_()\n"
            "        loss.backward()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "    return losses\n"),
        "gradient ascent": (
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps):\n"
            "        loss = ((X @ w - y) ** 2).mean()\n"
            "        losses.append(loss.item())\n"
            "        if w.grad is not None:\n"
            "            w.grad.zero_()\n"
            "        loss.backward()\n"
            "        with torch.no_grad():\n"
            "            w += lr * w.grad\n"
            "    return losses\n"),
        "zeroes the gradient after backward": (
            "def train(w, X, y, lr, steps):\n"
            "    losses = []\n"
            "    for _ in range(steps):\n"
            "        loss = ((X @ w - y) ** 2).mean()\n"
            "        losses.append(loss.item())\n"
            "        if w.grad is not None:\n"
            "            w.grad.zero_()\n"
            "        loss.backward()\n"
            "        w.grad.zero_()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "    return losses\n"),
    },
}
