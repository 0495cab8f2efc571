"""Predictive CLV models: who will buy again, how often, how much, and what it is worth.

- :class:`BGNBD` and :class:`ParetoNBD`: purchases when customers leave silently
  (no contract); fit on :func:`clv_course.summary.customer_summary`;
- :class:`GammaGamma`: the spend per purchase of each customer;
- :class:`ShiftedBetaGeometric`: retention when customers leave visibly
  (contracts, subscriptions);
- :func:`predicted_clv`: expected purchases x expected spend x margin, discounted;
- :func:`calibration_histogram`: repeat purchases in calibration, actual against expected.

Models fitted on a summary remember its time unit (``unit_``), and data that
cannot pin the parameters down give a :class:`FitWarning` (a
:class:`CourseWarning`) instead of silently absurd estimates.

Every model is fitted by maximum likelihood (``fit`` returns the model) and
then has ``params_`` (the estimates, named as in the papers) and
``log_likelihood_`` (the total log-likelihood the papers report).
"""

from clv_course.models._fitting import CourseWarning, DiscountRateWarning, FitWarning
from clv_course.models.bgnbd import BGNBD
from clv_course.models.checks import calibration_histogram
from clv_course.models.clv import predicted_clv
from clv_course.models.gammagamma import GammaGamma
from clv_course.models.paretonbd import ParetoNBD
from clv_course.models.sbg import ShiftedBetaGeometric

__all__ = ["BGNBD", "ParetoNBD", "GammaGamma", "ShiftedBetaGeometric", "predicted_clv",
           "calibration_histogram", "CourseWarning", "FitWarning", "DiscountRateWarning"]
