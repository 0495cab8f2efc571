"""How well a fitted purchase model describes the calibration period itself.

:func:`calibration_histogram` is the first check of Fader, Hardie & Lee (2005,
"Counting Your Customers the Easy Way", Figure 2): how many customers made 0,
1, ..., 7+ repeat purchases in calibration, against how many the model expects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.models._fitting import PurchaseModel, customer_arrays, summary_columns


def calibration_histogram(model: PurchaseModel, summary: pd.DataFrame, *,
                          max_frequency: int = 7) -> pd.DataFrame:
    """Customers with 0, 1, ..., ``max_frequency``+ repeat purchases in calibration: actual
    and expected by the model.

    A customer observed for T periods (since her first purchase) makes x
    repeat purchases with probability P(X(T) = x) (the model's
    ``probability_of_purchases``; eq. 8 of the BG/NBD paper), so the expected
    number of customers with x repeat purchases is

        E[n_x] = sum over customers i of P(X(T_i) = x),

    and the last group, ``max_frequency``+, holds the rest: the number of
    customers minus the expected counts below it. Customers with the same T
    are computed once. Returns a DataFrame indexed ``"0"``, ``"1"``, ...,
    ``"7+"`` (named ``frequency``) with the columns ``actual`` and ``expected``.
    """
    if not isinstance(model, PurchaseModel) or model.params_ is None:
        raise InputError(_("Pass a fitted BGNBD or ParetoNBD model (call .fit_summary first)."))
    if isinstance(max_frequency, bool) or not isinstance(max_frequency, (int, np.integer)) \
            or max_frequency < 1:
        raise InputError(_("max_frequency must be a whole number, 1 or more; got {value}.")
                         .format(value=max_frequency))
    x, _t_x, T = customer_arrays(*summary_columns(summary, "frequency", "recency", "T"))
    ages, customers = np.unique(T, return_counts=True)
    below = np.arange(max_frequency)
    probabilities = np.asarray(model.probability_of_purchases(ages[:, None], below[None, :]))
    expected = customers @ probabilities.reshape(len(ages), max_frequency)
    expected = np.append(expected, x.size - expected.sum())
    actual = np.bincount(np.minimum(x.astype(np.int64), max_frequency), minlength=max_frequency + 1)
    labels = [str(k) for k in below] + [f"{max_frequency}+"]
    return pd.DataFrame({"actual": actual, "expected": expected},
                        index=pd.Index(labels, name="frequency"))
