"""Grading: run a notebook in its own kernel, collect plain answers there, judge them here.

- :mod:`~clv_course.grading.probe` runs inside the notebook's kernel and writes
  the plain outcomes of a chapter's exercises to a file;
- :mod:`~clv_course.grading.runner` executes a notebook on a fresh variant of
  the data and judges what the probe collected in the grader's own process.
"""
