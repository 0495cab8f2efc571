"""Predicted customer lifetime value: purchases x spend x margin, discounted.

Fader, Hardie & Lee (2005, "RFM and CLV") combine a purchase model (BG/NBD or
Pareto/NBD) with the Gamma-Gamma spend model: since the model assumes spend
does not depend on how often one buys, a customer's expected margin in a period
is her expected purchases in it times her expected spend per purchase times
the margin. The paper values the whole future in continuous time; here, as in
most practice, we add up whole periods over a finite horizon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.formatting import fmt
from clv_course.models._fitting import (DiscountRateWarning, PurchaseModel, as_values,
                                        customer_arrays, summary_columns, warn)
from clv_course.models.gammagamma import GammaGamma
from clv_course.units import DAYS_PER_UNIT, Unit, check_unit, days_per


#: a yearly rate above this (money more than doubling each year) is not a cost of capital
PLAUSIBLE_YEARLY_RATE = 1.0


def yearly_rate(rate: float, unit: str) -> float:
    """The yearly rate that ``rate`` per ``unit`` compounds to: (1 + rate)^(periods a year) - 1."""
    periods = DAYS_PER_UNIT["year"] / days_per(unit)
    with np.errstate(over="ignore"):
        return float(np.expm1(periods * np.log1p(rate)))


def check_discount_rate(rate: float, unit: str) -> None:
    """Warn (:class:`DiscountRateWarning`) when ``rate`` per ``unit`` is implausible as a
    yearly cost of capital, saying the yearly rate it means and how to convert."""
    yearly = yearly_rate(rate, unit)
    if yearly <= PLAUSIBLE_YEARLY_RATE:
        return
    periods = DAYS_PER_UNIT["year"] / days_per(unit)
    warn(_("A discount rate of {rate} per {unit!r} period compounds to {yearly} a year; if you "
           "meant a yearly rate y, the rate per {unit!r} period is (1 + y) ** (1 / {periods}) - 1 "
           "(0.10 a year is {example} per {unit!r} period).").format(
        # numbers the learner types back into Python keep Python's decimal point in every language
        rate=f"{rate:.4f}", unit=unit, yearly=fmt(yearly, "percent", digits=0),
        periods=f"{periods:.2f}" if periods != round(periods) else f"{periods:.0f}",
        example=f"{np.expm1(np.log1p(0.10) / periods):.5f}"),
        DiscountRateWarning)


def predicted_clv(purchase_model: PurchaseModel, spend_model: GammaGamma, summary: pd.DataFrame, *,
                  horizon: int, margin: float, discount_rate: float, unit: Unit) -> pd.Series:
    """Each customer's expected discounted margin over the next ``horizon`` periods.

        CLV = sum_{k=1..horizon} [E(Y(k)) - E(Y(k - 1))] * E(M) * margin / (1 + d)^k

    - E(Y(k)) is the purchase model's conditional expected purchases in the
      next k periods, given the customer's frequency, recency and T; the
      difference is what she is expected to buy in period k alone;
    - E(M) is the Gamma-Gamma expected spend per purchase for her;
    - ``margin`` is the share of spend kept as profit (0.3 for 30 %);
    - ``discount_rate`` d is the return per period that money could earn
      elsewhere (the cost of capital): 1 received k periods from now is worth
      1 / (1 + d)^k today. Purchases in period k are counted at its end.

    ``unit`` is the time unit the summary was built with (see
    :func:`clv_course.summary.customer_summary`); ``horizon`` counts periods of
    that unit and ``discount_rate`` is per that unit. A yearly rate of 10 % is
    ``1.10 ** (1 / 52.18) - 1`` (about 0.0018) per week, not 0.10 / 52 exactly.

    The unit is checked, not trusted: a ``unit`` other than the one the
    purchase model was fitted in (``purchase_model.unit_``) or the summary was
    built in (``summary.attrs["unit"]``) is refused, since the horizon, the
    rate and the model's rates would then count different periods. A rate
    that means more than 100 % a year (0.10 per week is about 14,000 %) gives a
    :class:`~clv_course.models.DiscountRateWarning` saying what yearly rate it is.

    Returns a Series named ``clv``, one value per row of ``summary``, in money.
    """
    check_unit(unit)
    if not isinstance(purchase_model, PurchaseModel):
        raise InputError(_("purchase_model must be a BGNBD or ParetoNBD model."))
    if not isinstance(spend_model, GammaGamma):
        raise InputError(_("spend_model must be a GammaGamma model."))
    model_unit = getattr(purchase_model, "unit_", None)
    if model_unit is not None and model_unit != unit:
        raise InputError(_("The purchase model was fitted on data in unit={fitted!r}, but "
                           "unit={unit!r} was passed: its rates are per {fitted!r}, so pass "
                           "unit={fitted!r}, with the horizon and the discount rate per "
                           "{fitted!r} too.").format(fitted=model_unit, unit=unit))
    summary_unit = getattr(summary, "attrs", {}).get("unit")
    if summary_unit is not None and summary_unit != unit:
        raise InputError(_("The summary was built with unit={recorded!r}, but unit={unit!r} "
                           "was passed; its recency and T are in {recorded!r} periods.")
                         .format(recorded=summary_unit, unit=unit))
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise InputError(_("The horizon must be a whole number of periods, 1 or more; got "
                           "{value}.").format(value=horizon))
    share = float(as_values(margin, "margin"))
    if not 0 <= share <= 1:
        raise InputError(_("The margin is the share of spend kept as profit, between 0 and 1 "
                           "(0.3 for 30 %); got {value}.").format(value=margin))
    d = float(as_values(discount_rate, "discount_rate"))
    if d < 0:
        raise InputError(_("The discount rate must be 0 or more (0.1 for 10 % per period); got "
                           "{value}.").format(value=discount_rate))
    check_discount_rate(d, unit)

    frequency, recency, T, monetary = summary_columns(summary, "frequency", "recency", "T",
                                                      "monetary_value")
    x, t_x, T = customer_arrays(frequency, recency, T)
    spend = np.asarray(spend_model.expected_spend(x, monetary), dtype=float)

    discounted_purchases = _discounted_purchases(purchase_model, x, t_x, T, horizon, d)
    result = pd.Series(discounted_purchases * spend * share, index=summary.index, name="clv")
    result.attrs["unit"] = unit
    return result


#: periods computed at once by :func:`_discounted_purchases` (a block of periods x customers)
PERIODS_PER_BLOCK = 256


def _discounted_purchases(purchase_model: PurchaseModel, x: np.ndarray, t_x: np.ndarray,
                          T: np.ndarray, horizon: int, d: float) -> np.ndarray:
    """sum_{k=1..horizon} [E(Y(k)) - E(Y(k - 1))] / (1 + d)^k for each customer.

    E(Y(k)) = P(alive | x, t_x, T) * E(Y(k) | alive, x, T): the first factor is
    worked out once, the second once per distinct (x, T) pair (a few hundred for
    CDNOW's 2,357 customers), for a block of periods at a time. A 100-year
    horizon in weeks is 5,218 periods; period by period it took 40 s.
    """
    alive = np.asarray(purchase_model.probability_alive(x, t_x, T), dtype=float)
    pairs, which = np.unique(np.column_stack([x, T]), axis=0, return_inverse=True)
    which = which.ravel()
    pair_x, pair_T = pairs[:, 0], pairs[:, 1]
    discounted = np.zeros(len(pairs))
    bought_before = np.zeros(len(pairs))  # E(Y(0) | alive) = 0
    for first in range(1, horizon + 1, PERIODS_PER_BLOCK):
        periods = np.arange(first, min(first + PERIODS_PER_BLOCK, horizon + 1), dtype=float)
        bought_by = purchase_model._purchases_if_alive(periods[:, None], pair_x, pair_T)
        in_period = np.diff(np.vstack([bought_before, bought_by]), axis=0)
        discounted += ((1 + d) ** -periods) @ in_period
        bought_before = bought_by[-1]
    return alive * discounted[which]
