"""Cohort tables: customers grouped by the period of their first order.

Rows are acquisition cohorts, columns the number of periods since
acquisition (0 = the first period). Cells that lie beyond the end of the
data are empty (NaN), not zero: those customers could not have ordered yet.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from clv_course import tables
from clv_course.errors import InputError
from clv_course.tables import require_columns
from clv_course.i18n import _
from clv_course.units import PERIOD_FREQUENCY, Unit, check_unit


def cohort_table(transactions: pd.DataFrame, *, unit: Unit,
                 values: Literal["customers", "revenue"] = "customers") -> pd.DataFrame:
    """Active customers (or revenue) per acquisition cohort and period since acquisition."""
    if values not in ("customers", "revenue"):
        raise InputError(_("values must be 'customers' or 'revenue'; got {value!r}.").format(
            value=values))
    frequency = PERIOD_FREQUENCY[check_unit(unit)]
    require_columns(transactions, "customer_id", "date",
                    *(("amount",) if values == "revenue" else ()))
    orders = tables.orders(transactions) if values == "customers" else transactions
    periods = orders["date"].dt.to_period(frequency)
    ordinal = periods.array.asi8
    frame = pd.DataFrame({"customer_id": orders["customer_id"].to_numpy(), "ordinal": ordinal})
    cohort = frame.groupby("customer_id")["ordinal"].transform("min").to_numpy()
    frame["cohort"] = cohort
    frame["age"] = ordinal - cohort
    if values == "customers":
        cells = frame.groupby(["cohort", "age"])["customer_id"].nunique()
    else:
        frame["amount"] = orders["amount"].to_numpy(dtype=float)
        cells = frame.groupby(["cohort", "age"])["amount"].sum()
    table = cells.unstack("age")
    last = int(ordinal.max())
    ages = np.arange(last - int(cohort.min()) + 1)
    table = table.reindex(columns=ages).fillna(0.0)
    beyond = (table.index.to_numpy()[:, None] + ages[None, :]) > last
    table = table.mask(beyond)
    table.index = pd.PeriodIndex.from_ordinals(table.index.to_numpy(), freq=frequency)
    table.index.name = "cohort"
    table.columns.name = "periods_since_first_order"
    return table


def retention_matrix(transactions: pd.DataFrame, *, unit: Unit) -> pd.DataFrame:
    """Share of each cohort still ordering n periods after its first: the cohort table / its size."""
    table = cohort_table(transactions, unit=unit, values="customers")
    return table.div(table[0], axis=0)
