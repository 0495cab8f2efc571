"""Chapter 0, start here: three warm-ups that show how exercises and checks work."""

from __future__ import annotations

from clv_course.exercises import CourseData, Exercise, N_, ValuePart, Wrong


def _cdnow(data: CourseData):
    return data.load("cdnow_sample")


EXERCISES = [
    Exercise("ch00-rows", N_("How many purchases"), [
        ValuePart("n_purchases", 1, lambda data: len(_cdnow(data)),
                  hint=N_("Each row of the table is one purchase; len() counts rows."),
                  wrong=[Wrong(N_("counts the columns"), lambda data: _cdnow(data).shape[1],
                               N_("That is the number of columns; count the rows instead."))]),
    ]),
    Exercise("ch00-customers", N_("How many customers"), [
        ValuePart("n_customers", 1, lambda data: _cdnow(data)["customer_id"].nunique(),
                  hint=N_("A customer appears once per purchase; count each customer_id once "
                          "(nunique)."),
                  wrong=[Wrong(N_("counts purchases, not customers"), lambda data: len(_cdnow(data)),
                               N_("That counts purchases. Several rows belong to the same "
                                  "customer: count distinct customer_id values."))]),
    ]),
    Exercise("ch00-revenue", N_("Total revenue"), [
        ValuePart("total_revenue", 1, lambda data: _cdnow(data)["amount"].sum(),
                  hint=N_("Add up the amount column."),
                  wrong=[Wrong(N_("adds quantities, not money"),
                               lambda data: _cdnow(data)["quantity"].sum(),
                               N_("That adds the number of CDs (quantity); revenue is the sum of "
                                  "amount."))]),
    ]),
]
