"""Golden program 1: a user class, a helper call and a loop."""
import math


class Particle:
    def __init__(self, x, v):
        self.x, self.v = x, v

    def kick(self, k, dt):
        self.v -= k * math.sin(self.x) * dt
        self.x += self.v * dt


def energy(k, steps=2, dt=0.1):
    p = Particle(1.0, 0.0)
    for _ in range(steps):
        p.kick(k, dt)
    return 0.5 * p.v ** 2 + k * (1.0 - math.cos(p.x))
