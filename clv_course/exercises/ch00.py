"""Chapter 0, start here: three warm-ups that show how exercises and checks work.

The hints say what to think about (what a row is, why a customer must count once), never
which code to type: the chapter promises that the check does not show the solution.
"""

from __future__ import annotations

from clv_course.exercises import N_, CourseData, Exercise, ValuePart, Wrong


def _cdnow(data: CourseData):
    return data.load("cdnow_sample")


EXERCISES = [
    Exercise("ch00-rows", N_("How many purchases"), [
        ValuePart("n_purchases", 1, lambda data: len(_cdnow(data)),
                  hint=N_("Each row of the table is one purchase, so the number of purchases is "
                          "the number of rows."),
                  wrong=[Wrong(N_("counts the columns"), lambda data: _cdnow(data).shape[1],
                               N_("That is the number of columns (what is recorded about each "
                                  "purchase); each purchase is a row.")),
                         Wrong(N_("counts customers, not purchases"),
                               lambda data: _cdnow(data)["customer_id"].nunique(),
                               N_("That counts customers. A customer who bought three times "
                                  "made three purchases."))]),
    ]),
    Exercise("ch00-customers", N_("How many customers"), [
        ValuePart("n_customers", 1, lambda data: _cdnow(data)["customer_id"].nunique(),
                  hint=N_("A customer who bought several times appears on several rows, with the "
                          "same customer_id; each customer should count once."),
                  wrong=[Wrong(N_("counts purchases, not customers"), lambda data: len(_cdnow(data)),
                               N_("That counts purchases (rows). Several rows can belong to the "
                                  "same customer: count each customer once."))]),
    ]),
    Exercise("ch00-revenue", N_("Total revenue"), [
        ValuePart("total_revenue", 1, lambda data: _cdnow(data)["amount"].sum(),
                  hint=N_("Revenue is money: the total of what every purchase cost, in dollars."),
                  wrong=[Wrong(N_("adds quantities, not money"),
                               lambda data: _cdnow(data)["quantity"].sum(),
                               N_("That adds the number of CDs; revenue adds up money, the value "
                                  "of each purchase.")),
                         Wrong(N_("the average purchase, not the total"),
                               lambda data: _cdnow(data)["amount"].mean(),
                               N_("That is the value of an average purchase; the total revenue "
                                  "adds up every purchase."))]),
    ]),
]
