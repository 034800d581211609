"""Rules for `cmath`.  Convention: the cotangent of a complex value z = x+iy
is dL/dx + i dL/dy, so a holomorphic f gives ct_z = g * conj(f'(z)); for a
real input the cotangent is the real part of that."""
import cmath
import math

from . import defvjp, defvjp_general, defvjp_multi, cj, real_if, div


def _hol(df):
    """VJP of a holomorphic function with derivative df(z, ans)."""
    return lambda g, ans, z: real_if(z, g * cj(df(z, ans)))


_u = defvjp
_u(cmath.exp, _hol(lambda z, ans: ans))
_u(cmath.sin, _hol(lambda z, ans: cmath.cos(z)))
_u(cmath.cos, _hol(lambda z, ans: -cmath.sin(z)))
_u(cmath.tan, _hol(lambda z, ans: 1 + ans * ans))
_u(cmath.sinh, _hol(lambda z, ans: cmath.cosh(z)))
_u(cmath.cosh, _hol(lambda z, ans: cmath.sinh(z)))
_u(cmath.tanh, _hol(lambda z, ans: 1 - ans * ans))


def _root(s, ref):
    """s or -s: the square root on the branch of `ref`, the same root
    computed from the output (cos(asin z) = sqrt(1 - z^2) on asin's branch).
    On a branch cut (asin(2.0), acos(2.0)) the formula's own square root can
    be the other one; the output knows which side cmath took."""
    return -s if (s * ref.conjugate()).real < 0 else s


_u(cmath.asin, _hol(lambda z, ans: div(1, _root(cmath.sqrt((1 - z) * (1 + z)), cmath.cos(ans)))))
_u(cmath.acos, _hol(lambda z, ans: div(-1, _root(cmath.sqrt((1 - z) * (1 + z)), cmath.sin(ans)))))
_u(cmath.atan, _hol(lambda z, ans: 1 / (1 + z * z)))
_u(cmath.asinh, _hol(lambda z, ans: div(1, _root(cmath.sqrt(z * z + 1), cmath.cosh(ans)))))
_u(cmath.acosh, _hol(lambda z, ans: div(1, _root(cmath.sqrt(z - 1) * cmath.sqrt(z + 1),
                                                 cmath.sinh(ans)))))
_u(cmath.atanh, _hol(lambda z, ans: 1 / ((1 - z) * (1 + z))))
_u(cmath.sqrt, _hol(lambda z, ans: div(0.5, ans)))
_u(cmath.log10, _hol(lambda z, ans: 1 / (z * math.log(10.0))))


def _log_vjp(g, ans, args, kwargs):
    z = args[0]
    if len(args) == 1:
        return (real_if(z, g * cj(1 / z)),)
    b = args[1]
    lb = cmath.log(b)
    return (real_if(z, g * cj(1 / (z * lb))), real_if(b, g * cj(-cmath.log(z) / (b * lb * lb))))


defvjp_general(cmath.log, _log_vjp)


def _phase_vjp(g, ans, z):
    z = complex(z)
    r2 = z.real * z.real + z.imag * z.imag
    if r2 == 0:
        return 0.0 * g
    return g * complex(-z.imag / r2, z.real / r2)


_u(cmath.phase, _phase_vjp)


def _polar_r(g, ans, z):
    a = abs(z)
    return g * (z / a) if a else 0.0 * g


defvjp_multi(cmath.polar, (_polar_r,), (_phase_vjp,))


def _rect_vjp(g, ans, args, kwargs):
    r, phi = args
    e = cmath.exp(1j * phi)
    return ((g * e.conjugate()).real, (g * (1j * r * e).conjugate()).real)


defvjp_general(cmath.rect, _rect_vjp)
