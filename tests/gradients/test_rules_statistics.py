"""The `statistics` module (bcad/rules/statistics_rules.py).  Most of these
functions compute through exact conversions (Fractions), so they have rules
at the library level; the rest (NormalDist, quantiles, covariance, ...) are
interpreted and reach the math/fsum/sumprod rules."""
import math
import statistics

import pytest

from .test_rules_support import case_params, check, grad_all

ND = statistics.NormalDist

STATS = [
    ("mean", lambda x, y: statistics.mean([x, y, 0.5]), [(1.5, -2.0)]),
    ("mean_ints", lambda x: statistics.mean([x, 1, 2]), [1.5]),
    ("mean_gen", lambda x, y: statistics.mean(t * t for t in (x, y)), [(1.5, -2.0)]),
    ("mean_tuple", lambda x, y: statistics.mean((x, y)), [(1.5, -2.0)]),
    ("fmean", lambda x, y: statistics.fmean([x, y, 0.5]), [(1.5, -2.0)]),
    ("fmean_gen", lambda x, y: statistics.fmean(t * 2 for t in (x, y)), [(1.5, -2.0)]),
    ("fmean_weights", lambda x, y, w: statistics.fmean([x, y], [w, 2.0]), [(1.5, -2.0, 0.7)]),
    ("fmean_weights_const", lambda x, y: statistics.fmean([x, y, 3.0], [1, 2, 3]),
     [(1.5, -2.0)]),
    ("fmean_weights_only", lambda w, v: statistics.fmean([1.0, 2.0, 4.0], [w, v, 1.0]),
     [(0.5, 1.5)]),
    ("median_odd", lambda x, y, z: statistics.median([x, y, z]),
     [(1.5, -2.0, 0.3), (0.3, 1.5, -2.0), (-2.0, 0.3, 1.5)]),
    ("median_even", lambda x, y, z, w: statistics.median([x, y, z, w]),
     [(1.5, -2.0, 0.3, 4.0), (4.0, 0.3, 1.5, -2.0)]),
    ("median_gen", lambda x, y: statistics.median(t + 1.0 for t in (x, y, 0.0)), [(1.5, -2.0)]),
    ("median_low", lambda x, y: statistics.median_low([x, y, 0.3, 4.0]), [(1.5, -2.0)]),
    ("median_high", lambda x, y: statistics.median_high([x, y, 0.3, 4.0]), [(1.5, -2.0)]),
    ("variance", lambda x, y: statistics.variance([x, y, 0.5]), [(1.5, -2.0)]),
    ("variance_xbar", lambda x, y, m: statistics.variance([x, y, 0.5], m), [(1.5, -2.0, 0.1)]),
    ("variance_xbar_mean", lambda x, y: statistics.variance([x, y, 0.5],
                                                            statistics.mean([x, y, 0.5])),
     [(1.5, -2.0)]),
    ("pvariance", lambda x, y: statistics.pvariance([x, y, 0.5]), [(1.5, -2.0)]),
    ("pvariance_mu", lambda x, y, m: statistics.pvariance([x, y, 0.5], m), [(1.5, -2.0, 0.1)]),
    ("stdev", lambda x, y: statistics.stdev([x, y, 0.5]), [(1.5, -2.0)]),
    ("stdev_two", lambda x, y: statistics.stdev((x, y)), [(1.5, -2.0)]),
    ("stdev_xbar", lambda x, y, m: statistics.stdev([x, y, 0.5], m), [(1.5, -2.0, 0.1)]),
    ("pstdev", lambda x, y: statistics.pstdev([x, y, 0.5]), [(1.5, -2.0)]),
    ("pstdev_mu", lambda x, y, m: statistics.pstdev([x, y, 0.5], m), [(1.5, -2.0, 0.1)]),
    ("pstdev_gen", lambda x, y: statistics.pstdev(t for t in (x, y, 0.5)), [(1.5, -2.0)]),
    ("harmonic_mean", lambda x, y: statistics.harmonic_mean([x, y, 0.5]), [(1.5, 2.0)]),
    ("harmonic_mean_w", lambda x, y, w: statistics.harmonic_mean([x, y], [w, 2.0]),
     [(1.5, 2.0, 0.7)]),
    ("harmonic_mean_one", lambda x: statistics.harmonic_mean([x]), [1.5]),
    ("geometric_mean", lambda x, y: statistics.geometric_mean([x, y, 0.5]), [(1.5, 2.0)]),
    ("normal_pdf", lambda mu, s: ND(mu, s).pdf(0.3), [(1.5, 2.0), (-0.5, 0.7)]),
    ("normal_pdf_x", lambda mu, s, x: ND(mu, s).pdf(x), [(1.5, 2.0, -0.4)]),
    ("normal_cdf", lambda mu, s: ND(mu, s).cdf(0.3), [(1.5, 2.0), (-0.5, 0.7)]),
    ("normal_cdf_x", lambda mu, s, x: ND(mu, s).cdf(x), [(1.5, 2.0, -0.4)]),
    ("normal_inv_cdf", lambda mu, s: ND(mu, s).inv_cdf(0.3), [(1.5, 2.0)]),
    ("normal_inv_cdf_p", lambda p: ND(1.0, 2.0).inv_cdf(p), [0.3, 0.01, 0.97]),
    ("normal_zscore", lambda mu, s, x: ND(mu, s).zscore(x), [(1.5, 2.0, -0.4)]),
    ("normal_overlap", lambda m1, s1: ND(m1, s1).overlap(ND(0.0, 1.0)), [(0.5, 2.0)]),
    ("normal_arith", lambda mu, s: (ND(mu, s) * 3.0 + 1.0).cdf(0.3), [(1.5, 2.0)]),
    ("normal_props", lambda mu, s: ND(mu, s).variance + ND(mu, s).mean * ND(mu, s).stdev,
     [(1.5, 2.0)]),
    ("quantiles", lambda x, y: statistics.quantiles([x, y, 0.3, 4.0, 5.0], n=4)[0],
     [(1.5, -2.0)]),
    ("covariance", lambda x, y: statistics.covariance([x, y, 0.3], [1.0, 2.0, 0.5]),
     [(1.5, -2.0)]),
    ("correlation", lambda x, y: statistics.correlation([x, y, 0.3], [1.0, 2.0, 0.5]),
     [(1.5, -2.0)]),
    ("linear_regression", lambda x, y: statistics.linear_regression(
        [x, y, 0.3], [1.0, 2.0, 0.5]).slope, [(1.5, -2.0)]),
]


@pytest.mark.parametrize("fn,args", case_params(STATS))
def test_statistics(fn, args):
    check(fn, args)


def _var_grad(data, ddof):
    m = sum(data) / len(data)
    return tuple(2 * (x - m) / (len(data) - ddof) for x in data)


CLOSED = [
    ("mean", lambda x, y, z: statistics.mean([x, y, z]), (1.0, 2.0, 6.0), (1 / 3,) * 3),
    ("fmean_w", lambda x, y: statistics.fmean([x, y], weights=[1.0, 3.0]), (1.0, 2.0),
     (0.25, 0.75)),
    ("median_odd", lambda x, y, z: statistics.median([x, y, z]), (5.0, 1.0, 3.0),
     (0.0, 0.0, 1.0)),
    ("median_even", lambda x, y, z, w: statistics.median([x, y, z, w]), (5.0, 1.0, 3.0, 9.0),
     (0.5, 0.0, 0.5, 0.0)),
    ("variance", lambda x, y, z: statistics.variance([x, y, z]), (1.0, 2.0, 6.0),
     _var_grad([1.0, 2.0, 6.0], 1)),
    ("pvariance", lambda x, y, z: statistics.pvariance([x, y, z]), (1.0, 2.0, 6.0),
     _var_grad([1.0, 2.0, 6.0], 0)),
    ("stdev", lambda x, y: statistics.stdev([x, y]), (1.0, 3.0),
     (-1 / math.sqrt(2), 1 / math.sqrt(2))),
    ("pstdev", lambda x, y: statistics.pstdev([x, y]), (1.0, 3.0), (-0.5, 0.5)),
    # constant data: a kink of sqrt; the zero subgradient
    ("stdev_constant", lambda x, y: statistics.stdev([x, y]), (2.0, 2.0), (0.0, 0.0)),
    ("pstdev_constant", lambda x, y: statistics.pstdev([x, y]), (2.0, 2.0), (0.0, 0.0)),
    # variance around a given (wrong) center c: sum((x - c)**2) / (n - 1)
    ("variance_xbar", lambda x, y, c: statistics.variance([x, y], c), (1.0, 3.0, 0.0),
     (2.0, 6.0, -8.0)),
    ("harmonic_mean", lambda x, y: statistics.harmonic_mean([x, y]), (1.0, 3.0),
     (1.5 ** 2 / (2 * 1.0), 1.5 ** 2 / (2 * 9.0))),      # H^2 / (n x_i^2), H = 1.5
    ("geometric_mean", lambda x, y: statistics.geometric_mean([x, y]), (1.0, 4.0),
     (1.0, 0.25)),
]


@pytest.mark.parametrize("fn,args,expected", [pytest.param(f, a, e, id=n)
                                              for n, f, a, e in CLOSED])
def test_closed_forms(fn, args, expected):
    assert grad_all(fn, *args) == pytest.approx(expected, rel=1e-12)


def test_median_tie_splits_nothing_wrong():
    # with ties, the cotangent goes to one of the tied values (a valid subgradient)
    gx, gy, gz = grad_all(lambda x, y, z: statistics.median([x, y, z]), 1.0, 1.0, 3.0)
    assert sorted((gx, gy, gz)) == [0.0, 0.0, 1.0]


def test_harmonic_mean_with_zero():
    # statistics returns (the int) 0 when a value is 0: no derivative flows
    assert grad_all(lambda x, y: statistics.harmonic_mean([x, y]) + 0.0 * x, 0.0, 2.0) == \
        (0.0, 0.0)
    assert grad_all(lambda x, y: statistics.harmonic_mean([x, y], [1.0, 1.0]) + 0.0 * x,
                    0.0, 2.0) == (0.0, 0.0)


def test_normal_pdf_cdf_closed_form():
    mu, s, x = 0.5, 2.0, 1.3
    z = (x - mu) / s
    pdf = math.exp(-z * z / 2) / (s * math.sqrt(2 * math.pi))
    g = grad_all(lambda mu, s, x: ND(mu, s).cdf(x), mu, s, x)
    assert g == pytest.approx((-pdf, -pdf * z, pdf), rel=1e-12)
    g = grad_all(lambda mu, s, x: ND(mu, s).pdf(x), mu, s, x)
    assert g == pytest.approx((pdf * z / s, pdf * (z * z - 1) / s, -pdf * z / s), rel=1e-12)


def test_inv_cdf_closed_form():
    mu, s, p = 0.5, 2.0, 0.3
    x = ND(mu, s).inv_cdf(p)
    g = grad_all(lambda mu, s, p: ND(mu, s).inv_cdf(p), mu, s, p)
    assert g == pytest.approx((1.0, (x - mu) / s, 1.0 / ND(mu, s).pdf(x)), rel=1e-10)
