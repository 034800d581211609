"""bcad: differentiate ordinary Python code by interpreting its bytecode.

    import bcad, math

    def f(x, n):
        y = x
        for _ in range(n):
            y = math.sin(y) * x
        return y

    bcad.grad(f)(0.5, 3)       # df/dx at x = 0.5
"""
from .errors import BcadError, UnsupportedError, NonDifferentiableError
from .interpreter import interpret, is_interpreting
from .api import grad, value_and_grad, vjp, stop_gradient, defvjp, defvjp_args, defvjp_array, \
    custom_vjp, last_tape_stats
from .api_forward import jvp, linearize, jacfwd, jacrev, jacobian, hessian, hvp
from . import testing
from .trace import trace

__all__ = ["interpret", "is_interpreting", "grad", "value_and_grad", "vjp", "stop_gradient",
           "defvjp", "defvjp_args", "defvjp_array", "custom_vjp", "last_tape_stats",
           "jvp", "linearize", "jacfwd", "jacrev", "jacobian", "hessian", "hvp", "testing", "trace", "BcadError", "UnsupportedError",
           "NonDifferentiableError"]
__version__ = "0.1.0"
