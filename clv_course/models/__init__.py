"""Predictive CLV models: who will buy again, how often, how much, and what it is worth.

- :class:`BGNBD` and :class:`ParetoNBD`: purchases when customers leave silently
  (no contract); fit on :func:`clv_course.summary.customer_summary`;
- :class:`GammaGamma`: the spend per purchase of each customer;
- :class:`ShiftedBetaGeometric`: retention when customers leave visibly
  (contracts, subscriptions);
- :func:`predicted_clv`: expected purchases x expected spend x margin, discounted.

Every model is fitted by maximum likelihood (``fit`` returns the model) and
then has ``params_`` (the estimates, named as in the papers) and
``log_likelihood_`` (the total log-likelihood the papers report).
"""

from clv_course.models.bgnbd import BGNBD
from clv_course.models.clv import predicted_clv
from clv_course.models.gammagamma import GammaGamma
from clv_course.models.paretonbd import ParetoNBD
from clv_course.models.sbg import ShiftedBetaGeometric

__all__ = ["BGNBD", "ParetoNBD", "GammaGamma", "ShiftedBetaGeometric", "predicted_clv"]
