"""The Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value
Curves for Customer Base Analysis"; details in Fader & Hardie (2013), "The Gamma-Gamma Model
of Monetary Value".

The story: each purchase of a customer is worth a random amount z, gamma(p, nu),
with mean p / nu; the customer's nu varies across customers as gamma(q, gamma).
What we see is m_x, the mean of her x repeat purchases, whose spread shrinks as
x grows; so a customer with many purchases tells us more about her own mean,
and her prediction leans more on her own m_x and less on the population's.

Only repeat buyers (x > 0) carry information about spend here: the summary's
monetary value leaves the first purchase out, so one-time buyers have none.
The model assumes spend does not depend on how often one buys; check that
frequency and monetary_value are hardly correlated before using it.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from scipy.special import gammaln

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.models._fitting import (ArrayLike, Model, Result, as_values,
                                        maximise_log_likelihood, output, purchase_counts,
                                        report_fit, same_shapes, summary_columns)


def _spend_arrays(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Check x and m_x: whole x >= 0, and a positive mean spend wherever x > 0."""
    x = purchase_counts(frequency)
    m = as_values(monetary_value, "monetary_value")
    same_shapes({"frequency": x, "monetary_value": m})
    if ((x > 0) & (m <= 0)).any():
        raise InputError(_("The Gamma-Gamma model needs a positive mean spend for every repeat "
                           "buyer ({count} with 0 or less); leave out refunds or free orders.")
                         .format(count=int(((x > 0) & (m <= 0)).sum())))
    return x, m


class GammaGamma(Model):
    """Gamma-Gamma: the expected spend per purchase of each customer.

    >>> GammaGamma().fit(summary["frequency"], summary["monetary_value"]).params_  # doctest: +SKIP
    {'p': 6.25, 'q': 3.74, 'gamma': 15.44}      # CDNOW, US dollars
    """

    PARAMETERS = ("p", "q", "gamma")

    @staticmethod
    def _log_likelihood(params, x, m):
        """log f(m_x | p, q, gamma; x) for repeat buyers (Fader & Hardie 2013):

            f(m_x) = Gamma(p x + q) / (Gamma(p x) Gamma(q))
                     * gamma^q x^(p x) m_x^(p x - 1) / (gamma + x m_x)^(p x + q)

        The sum of x purchases, each gamma(p, nu), is gamma(p x, nu), so their
        mean m_x is gamma(p x, x nu); mixing nu over gamma(q, gamma) gives f.
        The frequency x is a weight here: it sets how sharply m_x speaks.
        """
        p, q, gamma = params
        px = p * x
        return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
                + px * np.log(x) + (px - 1) * np.log(m) - (px + q) * np.log(gamma + x * m))

    def fit(self, frequency: ArrayLike, monetary_value: ArrayLike, *,
            unit: str | None = None) -> Self:
        """Estimate p, q, gamma by maximum likelihood from the repeat buyers (x > 0) only.

        Spend per purchase has no time unit; ``unit``, if given, is kept as
        ``unit_`` only to say which summary the model came from. Too few repeat
        buyers to pin the parameters down (one, say) give a :class:`FitWarning`.
        """
        x, m = _spend_arrays(frequency, monetary_value)
        repeat = x > 0
        if not repeat.any():
            raise InputError(_("The Gamma-Gamma model needs repeat buyers (frequency > 0); "
                               "there are none."))
        self._remember_unit(unit)
        x, m = x[repeat], m[repeat]
        fit = maximise_log_likelihood(
            lambda params: self._log_likelihood(tuple(params), x, m).sum(),
            dict.fromkeys(self.PARAMETERS, 1.0), scales={"gamma": float(np.mean(m))})
        self.params_, self.log_likelihood_ = fit
        reason = None
        if x.size == 1:
            reason = _("GammaGamma: only one customer made repeat purchases, so these data "
                       "cannot tell how spend varies between customers; the fitted parameters "
                       "({params}) are not estimates to rely on.").format(
                params=", ".join(f"{k} = {v:.3g}" for k, v in self.params_.items()))
        report_fit(type(self).__name__, fit, reason)
        return self

    def fit_summary(self, summary: pd.DataFrame, *, unit: str | None = None) -> Self:
        """``fit`` on the ``frequency`` and ``monetary_value`` columns of a customer summary."""
        columns = summary_columns(summary, "frequency", "monetary_value")
        self._remember_unit(unit, summary)
        return self.fit(*columns, unit=self.unit_)

    def log_likelihood(self, frequency: ArrayLike, monetary_value: ArrayLike) -> Result:
        """Each customer's log f(m_x); 0 for customers without repeat purchases (no spend data)."""
        params = self._fitted()
        x, m = _spend_arrays(frequency, monetary_value)
        repeat = x > 0
        values = np.zeros(x.shape)
        values[repeat] = self._log_likelihood(params, x[repeat], m[repeat])
        return output(values)

    def expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> Result:
        """E(M | p, q, gamma, m_x, x), the customer's expected spend per purchase:

            E(M | m_x, x) = (q - 1) / (p x + q - 1) * p gamma / (q - 1)
                          + p x / (p x + q - 1) * m_x
                          = p (gamma + x m_x) / (p x + q - 1)

        a weighted mean of the population mean p gamma / (q - 1) and the
        customer's own m_x, with more weight on m_x the more purchases she made.
        For x = 0 it is the population mean, which is finite only if q > 1.
        """
        p, q, gamma = self._fitted()
        x, m = _spend_arrays(frequency, monetary_value)
        m = np.where(x > 0, m, 0.0)  # a one-time buyer's monetary_value says nothing
        if (p * x + q <= 1).any():
            raise InputError(_("With q = {q:.3g} the model's mean spend is infinite for these "
                               "customers; the spend data may have extreme outliers.")
                             .format(q=q))
        return output(p * (gamma + x * m) / (p * x + q - 1))
