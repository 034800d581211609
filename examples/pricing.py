"""Option greeks by reverse mode: closed-form Black-Scholes.

The pricer is ordinary Python: the normal CDF is written with math.erf and
the market is a dataclass.  One reverse pass gives every first-order
sensitivity (delta, vega, rho, theta, dC/dK), which are compared with the
analytic Black-Scholes greeks.

Run:  python examples/pricing.py
"""
import dataclasses
import math

import bcad


@dataclasses.dataclass
class Market:
    spot: float
    rate: float
    vol: float


def norm_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def norm_pdf(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def black_scholes(market, strike, expiry, kind="call"):
    s, r, v = market.spot, market.rate, market.vol
    sq = v * math.sqrt(expiry)
    d1 = (math.log(s / strike) + (r + 0.5 * v * v) * expiry) / sq
    d2 = d1 - sq
    discount = math.exp(-r * expiry)
    if kind == "call":
        return s * norm_cdf(d1) - strike * discount * norm_cdf(d2)
    if kind == "put":
        return strike * discount * norm_cdf(-d2) - s * norm_cdf(-d1)
    raise ValueError(f"unknown option kind {kind!r}")


def analytic_greeks(market, strike, expiry, kind):
    """Textbook Black-Scholes greeks (theta as dPrice/dExpiry)."""
    s, r, v = market.spot, market.rate, market.vol
    sq = v * math.sqrt(expiry)
    d1 = (math.log(s / strike) + (r + 0.5 * v * v) * expiry) / sq
    d2 = d1 - sq
    disc = math.exp(-r * expiry)
    vega = s * norm_pdf(d1) * math.sqrt(expiry)
    decay = s * norm_pdf(d1) * v / (2 * math.sqrt(expiry))
    if kind == "call":
        return {"delta": norm_cdf(d1), "vega": vega,
                "rho": strike * expiry * disc * norm_cdf(d2),
                "dstrike": -disc * norm_cdf(d2),
                "dexpiry": decay + r * strike * disc * norm_cdf(d2)}
    return {"delta": norm_cdf(d1) - 1.0, "vega": vega,
            "rho": -strike * expiry * disc * norm_cdf(-d2),
            "dstrike": disc * norm_cdf(-d2),
            "dexpiry": decay - r * strike * disc * norm_cdf(-d2)}


if __name__ == "__main__":
    market = Market(spot=100.0, rate=0.03, vol=0.25)
    strike, expiry = 105.0, 0.75
    # Differentiate with respect to the market (a dataclass of floats), the
    # strike and the expiry; `kind` is a string and stays out of argnums.
    price_and_greeks = bcad.value_and_grad(black_scholes, argnums=(0, 1, 2))

    ok = True
    for kind in ("call", "put"):
        price, (d_market, d_strike, d_expiry) = price_and_greeks(market, strike, expiry, kind)
        ad = {"delta": d_market.spot, "vega": d_market.vol, "rho": d_market.rate,
              "dstrike": d_strike, "dexpiry": d_expiry}
        exact = analytic_greeks(market, strike, expiry, kind)
        print(f"{kind}: price {price:.6f}  (gradient wrt market: {d_market})")
        for name in ("delta", "vega", "rho", "dstrike", "dexpiry"):
            good = math.isclose(ad[name], exact[name], rel_tol=1e-10, abs_tol=1e-12)
            ok = ok and good
            print(f"  {name:8} bcad {ad[name]: .12f}   analytic {exact[name]: .12f}"
                  f"   {'ok' if good else 'MISMATCH'}")

    # Put-call parity holds for the sensitivities as well: C - P = S - K exp(-rT).
    dc = bcad.grad(black_scholes)(market, strike, expiry, "call")
    dp = bcad.grad(black_scholes)(market, strike, expiry, "put")
    parity = dc.spot - dp.spot
    print(f"delta(call) - delta(put) = {parity:.15f}")
    ok = ok and math.isclose(parity, 1.0, rel_tol=1e-12)

    assert ok, "a bcad greek differs from the analytic value"
    print("pricing: all greeks match the analytic formulas")
