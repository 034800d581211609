"""Golden program 2: surprising zero gradients (docs/debugging.md)."""


def price(qty, unit):
    cents = round(unit * 100.0)
    total = qty * cents / 100.0
    discount = int(total // 50.0) * 5.0
    return total - discount


def scaled(x, scale):
    s = round(scale, 1)
    return x * s + abs(-x)
