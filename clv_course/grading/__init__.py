"""Grading: run a notebook in its own kernel, collect plain answers there, judge them here.

- :mod:`~clv_course.grading.submissions` finds a class's files and reads each one safely;
- :mod:`~clv_course.grading.sandbox` and :mod:`~clv_course.grading.kernels` contain one
  submission's kernel (bubblewrap, its own user, limits, no answer key);
- :mod:`~clv_course.grading.execute` runs a notebook's cells, whatever they do, and
  :mod:`~clv_course.grading.probe` collects the answers inside the kernel as plain data;
- :mod:`~clv_course.grading.runner` judges them in the grader's own process;
- :mod:`~clv_course.grading.gradebook` grades a class and resumes, and
  :mod:`~clv_course.grading.reports` writes grades.csv, results.json and feedback pages.
"""
