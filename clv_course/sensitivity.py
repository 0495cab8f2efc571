"""Which input moves CLV most: vary each input by +-X %, one at a time (a tornado chart's data).

A CLV estimate rests on several uncertain inputs. Changing each of them by the
same share while holding the others fixed shows where better data pays off:
the input whose change moves CLV most deserves the most care. Chapter 4 draws
the result with :func:`clv_course.plots.sensitivity.tornado`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping

import pandas as pd

from clv_course import metrics
from clv_course.errors import InputError
from clv_course.i18n import _

__all__ = ["component_clv", "one_at_a_time"]


def component_clv(aov: float, frequency: float, margin: float, retention: float,
                  discount_rate: float) -> float:
    """Discounted profit CLV from its five components, the model the tornado chart varies.

    The margin a customer leaves per period is ``aov x frequency x margin``
    (frequency in orders per period); retention and the discount rate are per
    the same period. The value is :func:`clv_course.metrics.discounted_clv_closed_form`:
    the first period's margin is earned now, undiscounted.
    """
    return metrics.discounted_clv_closed_form(aov * frequency * margin, retention, discount_rate)


def one_at_a_time(inputs: Mapping[str, float], *, change: float = 0.1,
                  model: Callable[..., float] = component_clv) -> pd.DataFrame:
    """CLV when each input alone is ``change`` lower and higher, sorted by how much it moves.

    ``inputs`` names every argument of ``model`` (by default :func:`component_clv`:
    ``aov``, ``frequency``, ``margin``, ``retention``, ``discount_rate``). The
    table has one row per input with ``low`` and ``high`` (CLV with the input
    times 1 - change and 1 + change), ``low_change`` and ``high_change`` (the
    difference from the base CLV) and ``swing`` (high minus low, as a size);
    the largest swing comes first. The base CLV is in ``table.attrs["base"]``.
    """
    if not isinstance(change, (int, float)) or not 0 < change < 1:
        raise InputError(_("The change must be a share between 0 and 1, such as 0.1 for 10 %; "
                           "got {value}.").format(value=change))
    wanted = list(inspect.signature(model).parameters)
    missing = [name for name in wanted if name not in inputs]
    extra = [name for name in inputs if name not in wanted]
    if missing or extra:
        raise InputError(_("The inputs should be exactly {wanted}; these differ: {differ}.").format(
            wanted=", ".join(wanted), differ=", ".join(missing + extra)))
    base = float(model(**inputs))
    if not math.isfinite(base):
        raise InputError(_("CLV is infinite for these inputs (the customer is kept forever and "
                           "never discounted); lower the retention or raise the discount rate."))
    rows = {}
    for name in wanted:
        values = []
        for factor in (1 - change, 1 + change):
            varied = {**inputs, name: inputs[name] * factor}
            try:
                values.append(float(model(**varied)))
            except InputError as error:
                raise InputError(_("Changing {name} by {change} gives an impossible input: "
                                   "{reason}").format(name=name, change=change, reason=error)) \
                    from error
        rows[name] = values
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high"])
    table.index.name = "input"
    table["low_change"] = table["low"] - base
    table["high_change"] = table["high"] - base
    table["swing"] = (table["high"] - table["low"]).abs()
    # rounded, so inputs that move CLV equally (up to float noise) keep the order given
    order = table["swing"].round(9).sort_values(ascending=False, kind="stable").index
    table = table.loc[order]
    table.attrs["base"] = base
    table.attrs["change"] = change
    return table
