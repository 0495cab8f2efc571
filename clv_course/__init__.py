"""clv_course: the helper package of the Customer Lifetime Value course.

One module per concern, in the order data flows:

- :mod:`clv_course.datasets`: the course's data and a careful loader for your own CSV;
- :mod:`clv_course.shop`: the synthetic shop's generative model and true parameters;
- :mod:`clv_course.metrics`: CLV components (AOV, frequency, lifespan, retention,
  discounting, CAC, payback), with :mod:`~clv_course.summary` and :mod:`~clv_course.cohorts`;
- :mod:`clv_course.i18n` and :mod:`clv_course.formatting`: the learner's language and numbers;
- :mod:`clv_course.models`: BG/NBD, Pareto/NBD, Gamma-Gamma and sBG, for predicted CLV;
- :mod:`clv_course.exercises`, :mod:`~clv_course.checking` and :mod:`~clv_course.selfcheck`:
  the exercises, how answers are judged, and the learner's one-line ``clv.check("id")``;
- :mod:`clv_course.errors`: problems explained as one sentence.
"""

from clv_course import datasets, metrics
from clv_course.errors import CourseError, DataFileError, InputError, install_friendly_errors
from clv_course.formatting import fmt
from clv_course.i18n import LANGUAGES, _, get_language, set_language
from clv_course.selfcheck import check

__version__ = "0.1.0"
__all__ = ["datasets", "metrics", "fmt", "set_language", "get_language", "LANGUAGES", "_",
           "CourseError", "DataFileError", "InputError", "check", "__version__"]

install_friendly_errors()
