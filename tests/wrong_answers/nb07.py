WRONG = {
    "nb07.gradient_costs": {
        "reverse counts the backward pass only": (
            "def gradient_costs(f, x):\n"
            "    x = x.detach()\n"
            "    with count_ops() as c:\n"
            "        f(x)\n"
            "    cost_f = c.forward\n"
            "    leaf = x.clone().requires_grad_(True)\n"
            "    y = f(leaf)\n"
            "    with count_ops() as c:\n"
            "        y.backward()\n"
            "    reverse = c.backward\n"
            "    basis = torch.eye(x.numel(), dtype=x.dtype)\n"
            "    directions = [basis[j] for j in range(x.numel())]\n"
            "    with count_ops() as c:\n"
            "        for e in directions:\n"
            "            with fwAD.dual_level():\n"
            "                f(fwAD.make_dual(x, e))\n"
            "    return {'f': cost_f, 'reverse': reverse, 'forward': c.forward + c.jvp}\n"),
        "a single forward-mode pass": (
            "def gradient_costs(f, x):\n"
            "    x = x.detach()\n"
            "    with count_ops() as c:\n"
            "        f(x)\n"
            "    cost_f = c.forward\n"
            "    leaf = x.clone().requires_grad_(True)\n"
            "    with count_ops() as c:\n"
            "        f(leaf).backward()\n"
            "    reverse = c.forward + c.backward\n"
            "    e = torch.eye(x.numel(), dtype=x.dtype)[0]\n"
            "    with count_ops() as c:\n"
            "        with fwAD.dual_level():\n"
            "            f(fwAD.make_dual(x, e))\n"
            "    return {'f': cost_f, 'reverse': reverse, 'forward': c.forward + c.jvp}\n"),
        "builds the basis vectors inside count_ops": (
            "def gradient_costs(f, x):\n"
            "    x = x.detach()\n"
            "    with count_ops() as c:\n"
            "        f(x)\n"
            "    cost_f = c.forward\n"
            "    leaf = x.clone().requires_grad_(True)\n"
            "    with count_ops() as c:\n"
            "        f(leaf).backward()\n"
            "    reverse = c.forward + c.backward\n"
            "    with count_ops() as c:\n"
            "        for j in range(x.numel()):\n"
            "            with fwAD.dual_level():\n"
            "                f(fwAD.make_dual(x, torch.eye(x.numel(), dtype=x.dtype)[j]))\n"
            "    return {'f': cost_f, 'reverse': reverse, 'forward': c.forward + c.jvp}\n"),
    },
    "nb07.jacobian": {
        "always reverse mode": (
            "from minigrad.autograd.functional import jacobian as _jac\n"
            "def jacobian(f, x):\n"
            "    return _jac(f, x)\n"),
        "modes swapped": (
            "def jacobian(f, x):\n"
            "    x = x.detach()\n"
            "    n = x.numel()\n"
            "    leaf = x.clone().requires_grad_(True)\n"
            "    y = f(leaf)\n"
            "    m = y.numel()\n"
            "    if m > n:\n"
            "        basis = torch.eye(m, dtype=y.dtype)\n"
            "        return torch.stack([torch.autograd.grad(y, leaf, basis[i],\n"
            "                            retain_graph=True)[0] for i in range(m)])\n"
            "    basis = torch.eye(n, dtype=x.dtype)\n"
            "    cols = []\n"
            "    for j in range(n):\n"
            "        with fwAD.dual_level():\n"
            "            cols.append(fwAD.unpack_dual(f(fwAD.make_dual(x, basis[j]))).tangent)\n"
            "    return torch.stack(cols, dim=1)\n"),
        "columns stacked as rows": (
            "def jacobian(f, x):\n"
            "    x = x.detach()\n"
            "    n = x.numel()\n"
            "    leaf = x.clone().requires_grad_(True)\n"
            "    y = f(leaf)\n"
            "    m = y.numel()\n"
            "    if m <= n:\n"
            "        basis = torch.eye(m, dtype=y.dtype)\n"
            "        return torch.stack([torch.autograd.grad(y, leaf, basis[i],\n"
            "                            retain_graph=True)[0] for i in range(m)])\n"
            "    basis = torch.eye(n, dtype=x.dtype)\n"
            "    cols = []\n"
            "    for j in range(n):\n"
            "        with fwAD.dual_level():\n"
            "            cols.append(fwAD.unpack_dual(f(fwAD.make_dual(x, basis[j]))).tangent)\n"
            "    return torch.stack(cols)\n"),
    },
    "nb07.tape_size": {
        "counts paths, not distinct nodes": (
            "def tape_size(y):\n"
            "    if y.grad_fn is None:\n"
            "        return 0\n"
            "    def count(node):\n"
            "        return 1 + sum(count(n) for n, _ in node.next_functions if n is not None)\n"
            "    return count(y.grad_fn)\n"),
        "forgets the AccumulateGrad leaves": (
            "def tape_size(y):\n"
            "    if y.grad_fn is None:\n"
            "        return 0\n"
            "    seen, todo = {y.grad_fn}, [y.grad_fn]\n"
            "    while todo:\n"
            "        for nxt, _ in todo.pop().next_functions:\n"
            "            if nxt is not None and nxt not in seen and nxt.next_functions:\n"
            "                seen.add(nxt)\n"
            "                todo.append(nxt)\n"
            "    return len(seen)\n"),
        "counts the chain length only": (
            "def tape_size(y):\n"
            "    size, node = 0, y.grad_fn\n"
            "    while node is not None:\n"
            "        size += 1\n"
            "        node = node.next_functions[0][0] if node.next_functions else None\n"
            "    return size\n"),
    },
}
