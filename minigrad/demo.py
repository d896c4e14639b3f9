"""A two-minute tour of minigrad: ``python -m minigrad.demo``."""

import minigrad as torch


def main() -> None:
    print("minigrad: reverse-mode autodiff on NumPy, with PyTorch's API\n")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    f = (x * y).sum() + torch.sin(x).pow(2).sum()
    print(">>> f = (x * y).sum() + torch.sin(x).pow(2).sum()")
    print(f)
    f.backward()
    print(">>> x.grad  # y + 2 sin(x) cos(x)")
    print(x.grad)
    print(">>> y.grad  # x")
    print(y.grad)

    print("\nThe graph that backward walked:")
    node, depth = f.grad_fn, 0
    stack = [(node, 0)]
    while stack:
        node, depth = stack.pop()
        print("  " * depth + node.name())
        stack.extend((n, depth + 1) for n, _ in reversed(node.next_functions) if n is not None)

    print("\nSecond derivatives: d2/dx2 x^3 at x = 2 is 12")
    z = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(z**3, z, create_graph=True)
    (h,) = torch.autograd.grad(g, z)
    print(g, h)


if __name__ == "__main__":
    main()
