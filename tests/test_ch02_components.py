"""Chapter 2: several right solutions pass, and what the prose says is true of the course's data.

The chapter's text quotes few numbers and reads the rest out of cells; every
claim it makes about the data (who buys when, which mean lies where, what adds
up to what) is checked here on the course's data, and the identities it
teaches also on a grading variant.
"""

from __future__ import annotations

import itertools
import re

import nbformat
import numpy as np
import pandas as pd
import pytest

import clv_course as clv
from clv_course.exercises import CourseData, ch02, get
from tests.support import chapters as ch

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/02_components.ipynb"


# --------------------------------------------------------------- the data a notebook run sees

def _data(seed):
    data = CourseData(seed)
    shop = data.load("shop")
    cdnow = data.load("cdnow")
    return {"shop": shop, "cdnow": cdnow, "shop_orders": shop[~shop["is_refund"]],
            "cdnow_orders": ch02.cdnow_orders(data)}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    """The chapter's tables on the public data and on a grading variant, with their seed."""
    return request.param, _data(request.param)


@pytest.fixture(scope="module")
def public():
    return _data(None)


# ------------------------------------------------------ several right solutions, as learners write

SOLUTIONS = {
    "ch02-shop-aov": {
        "pandas": 'shop_aov = shop["amount"].sum() / (~shop["is_refund"]).sum()',
        "package": "shop_aov = clv.metrics.average_order_value(shop)",
        "kept over placed": """
            placed = shop[~shop["is_refund"]]
            given_back = shop.loc[shop["is_refund"], "amount"].sum()
            shop_aov = (placed["amount"].sum() + given_back) / len(placed)
        """,
    },
    "ch02-net-aov": {
        "pandas": """
            def net_aov(transactions):
                return transactions["amount"].sum() / (~transactions["is_refund"]).sum()
        """,
        "package": """
            def net_aov(transactions):
                return clv.metrics.average_order_value(transactions)
        """,
        "numpy": """
            def net_aov(transactions):
                refund = transactions["is_refund"].to_numpy()
                return float(np.sum(transactions["amount"].to_numpy()) / np.count_nonzero(~refund))
        """,
    },
    "ch02-order-values": {
        "pandas": """
            amounts = shop.loc[~shop["is_refund"], "amount"]
            median_order_value = amounts.median()
            zero_share = (amounts == 0).mean()
        """,
        "numpy": """
            amounts = shop_orders["amount"].to_numpy()
            median_order_value = float(np.median(amounts))
            zero_share = np.count_nonzero(amounts == 0) / amounts.size
        """,
        "quantile and counts": """
            median_order_value = shop_orders["amount"].quantile(0.5)
            zero_share = int((shop_orders["amount"] == 0).sum()) / len(shop_orders)
        """,
    },
    "ch02-cdnow-frequency": {
        "package": 'cdnow_frequency = clv.metrics.purchase_frequency(cdnow_orders, unit="year")',
        "package, per month x 12": """
            cdnow_frequency = 12 * clv.metrics.purchase_frequency(cdnow_orders, unit="month")
        """,
        "pandas from the rows": """
            orders = len(cdnow[["customer_id", "date"]].drop_duplicates())
            years = ((cdnow["date"].max() - cdnow["date"].min()).days + 1) / 365.25
            cdnow_frequency = orders / cdnow["customer_id"].nunique() / years
        """,
        "timedeltas": """
            span = cdnow_orders["date"].max() - cdnow_orders["date"].min() + pd.Timedelta(days=1)
            per_customer = cdnow_orders.groupby("customer_id").size().mean()
            cdnow_frequency = per_customer / (span / pd.Timedelta(days=365.25))
        """,
    },
    "ch02-shop-frequency": {
        "pandas": """
            first = shop_orders.groupby("customer_id")["date"].min()
            days = (shop["date"].max() - first).dt.days + 1
            shop_frequency = len(shop_orders) / (days.sum() / 365.25)
        """,
        "package summary (T, one day added)": """
            end = shop["date"].max()
            summary = clv.summary.customer_summary(shop, calibration_end=end, unit="year")
            shop_frequency = len(shop_orders) / (summary["T"] + 1 / 365.25).sum()
        """,
        "per customer, timedeltas": """
            per_customer = shop_orders.groupby("customer_id")["date"].agg(["size", "min"])
            watched = (shop["date"].max() - per_customer["min"] + pd.Timedelta(days=1))
            years = watched / pd.Timedelta(days=365.25)
            shop_frequency = per_customer["size"].sum() / years.sum()
        """,
    },
}
CASES = [(exercise_id, name) for exercise_id, named in SOLUTIONS.items() for name in named]


def test_every_chapter_2_exercise_has_at_least_two_solutions_here():
    assert set(SOLUTIONS) == {exercise.id for exercise in ch02.EXERCISES}
    assert all(len(named) >= 2 for named in SOLUTIONS.values())


@pytest.mark.parametrize("exercise_id, name", CASES, ids=[f"{e}:{n}" for e, n in CASES])
def test_each_solution_scores_full_points_publicly_and_on_a_grading_variant(run, exercise_id, name):
    seed, tables = run
    result = ch.judged(exercise_id, ch.run_solution(tables, SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


def test_the_master_solutions_are_among_those_tested(root):
    """The notebook's own solution of each value exercise is one of the solutions above."""
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "clv.metrics.purchase_frequency(cdnow_orders, unit=\"year\")" in \
        sources["ch02-cdnow-frequency"]
    assert "shop_orders.groupby(\"customer_id\")[\"date\"].min()" in sources["ch02-shop-frequency"]


CONVENTIONS = {
    "a 365-day year": """
        years = ((cdnow_orders["date"].max() - cdnow_orders["date"].min()).days + 1) / 365
        cdnow_frequency = len(cdnow_orders) / cdnow_orders["customer_id"].nunique() / years
    """,
    "the last day left out": """
        years = (cdnow_orders["date"].max() - cdnow_orders["date"].min()).days / 365.25
        cdnow_frequency = len(cdnow_orders) / cdnow_orders["customer_id"].nunique() / years
    """,
}


@pytest.mark.parametrize("name", CONVENTIONS)
def test_another_convention_is_told_which_convention_to_switch(run, name):
    """Not full points (a wide tolerance would let typed-in numbers pass), but a precise hint."""
    seed, tables = run
    part = get("ch02-cdnow-frequency").parts[0]
    message = ch.judged("ch02-cdnow-frequency", ch.run_solution(tables, CONVENTIONS[name]), seed).parts[0].message
    wrong = next(w for w in part.wrong if w.mistake == name)
    assert wrong.hint in message and "Close" in message


def test_the_conventions_move_the_answer_by_about_a_tenth_of_a_percent(run):
    """What exercise 2.4 promises: "moves it by up to 0.2 %"."""
    seed, _tables = run
    data = CourseData(seed)
    right = ch02.cdnow_frequency(data)
    for other in (ch02.cdnow_frequency(data, year=365),
                  ch02.cdnow_frequency(data, last_day_included=False)):
        assert 0.0005 < abs(other / right - 1) < 0.002


def test_a_typed_in_public_number_still_fails_on_the_grading_variant(public):
    for exercise_id, answer in (("ch02-cdnow-frequency", "cdnow_frequency"),
                                ("ch02-shop-frequency", "shop_frequency")):
        part = get(exercise_id).parts[0]
        typed_in = {answer: part.expected(CourseData(None))}
        assert ch.judged(exercise_id, typed_in, GRADING_SEED).points == 0


# ----------------------------------------------------------------- the identities the chapter teaches

def _window_years(orders):
    return ((orders["date"].max() - orders["date"].min()).days + 1) / 365.25


def test_aov_times_window_frequency_times_window_is_revenue_per_customer(run):
    _seed, t = run
    for transactions, orders in ((t["cdnow_orders"], t["cdnow_orders"]), (t["shop"], t["shop_orders"])):
        rebuilt = (clv.metrics.average_order_value(transactions)
                   * clv.metrics.purchase_frequency(transactions, unit="year")
                   * _window_years(transactions))
        direct = transactions["amount"].sum() / transactions["customer_id"].nunique()
        assert rebuilt == pytest.approx(direct, rel=1e-12)
        assert round(rebuilt, 2) == round(direct, 2)  # "agree to the cent"


def test_the_three_time_bases_of_the_shop_all_reconcile(run):
    """Window, time watched, active years: each frequency times its own time base gives revenue."""
    _seed, t = run
    shop, orders = t["shop"], t["shop_orders"]
    customers = shop["customer_id"].nunique()
    watched = (shop["date"].max() - orders.groupby("customer_id")["date"].min()).dt.days + 1
    bases = {"window": customers * _window_years(shop), "watched": watched.sum() / 365.25,
             "active": orders.groupby(["customer_id", orders["date"].dt.year]).ngroups}
    aov = clv.metrics.average_order_value(shop)
    for years in bases.values():
        frequency = len(orders) / years
        assert aov * frequency * years / customers == pytest.approx(shop["amount"].sum() / customers)
    frequencies = sorted(len(orders) / years for years in bases.values())
    assert frequencies[-1] > 1.5 * frequencies[0]  # "the three frequencies differ a lot"


def test_frequency_times_lifespan_is_orders_scaled_by_lifespan_over_window(run):
    _seed, t = run
    orders = t["cdnow_orders"]
    frequency = clv.metrics.purchase_frequency(orders, unit="year")
    lifespan = clv.metrics.customer_lifespan(orders, unit="year")
    per_customer = len(orders) / orders["customer_id"].nunique()
    assert frequency * lifespan == pytest.approx(per_customer * lifespan / _window_years(orders))


# ------------------------------------------------------------------ what the prose says about the data

def test_cdnow_customer_2_has_two_rows_on_one_day(public):
    rows = public["cdnow"].query("customer_id == 2")
    assert len(rows[rows["date"] == "1997-01-12"]) == 2
    assert public["cdnow"].head()["customer_id"].tolist().count(2) == 2


def test_the_sample_is_one_customer_in_ten_of_the_full_data(public):
    sample = clv.datasets.load("cdnow_sample")
    ratio = sample["customer_id"].nunique() / public["cdnow"]["customer_id"].nunique()
    assert ratio == pytest.approx(0.1)


def test_cdnow_customers_arrived_in_the_first_quarter_of_1997_and_have_no_refunds(public):
    cdnow = public["cdnow"]
    assert cdnow.groupby("customer_id")["date"].min().max() <= pd.Timestamp("1997-03-31")
    assert cdnow["date"].max() == pd.Timestamp("1998-06-30")
    assert "is_refund" not in cdnow.columns or not cdnow["is_refund"].any()


def test_merging_same_day_rows_matches_the_data_card(public):
    """The data card: 69,659 rows, and several purchases on one day are one transaction."""
    card = (clv.datasets.datasets_dir() / "README.md").read_text(encoding="utf-8")
    assert "69,659" in card and "count as one transaction" in card
    assert len(public["cdnow"]) == 69_659 and len(public["cdnow_orders"]) < len(public["cdnow"])
    assert public["cdnow_orders"]["amount"].sum() == pytest.approx(public["cdnow"]["amount"].sum())


def test_refund_mistakes_go_the_way_the_text_says(public):
    shop = public["shop"]
    net = clv.metrics.average_order_value(shop)
    assert clv.metrics.average_order_value(shop, net_of_refunds=False) > net  # "overstates"
    assert shop["amount"].mean() < net  # "understates"


def test_both_means_lie_right_of_the_median(public):
    shop, amounts = public["shop"], public["shop_orders"]["amount"]
    assert amounts.mean() > clv.metrics.average_order_value(shop) > amounts.median()


def test_zero_value_orders_change_cdnow_aov_only_a_little(public):
    orders = public["cdnow_orders"]
    with_zero = clv.metrics.average_order_value(orders)
    without = clv.metrics.average_order_value(orders[orders["amount"] > 0])
    assert 0 < without / with_zero - 1 < 0.005


def test_the_shop_customers_arrived_through_2023_and_2024(public):
    first = public["shop_orders"].groupby("customer_id")["date"].min()
    assert set(first.dt.year) == {2023, 2024}
    assert public["shop"]["date"].max() == pd.Timestamp("2025-12-31")
    assert _window_years(public["shop"]) == pytest.approx(3, abs=0.01)  # "three years"


def test_the_2024_customers_look_slower_on_the_window_and_had_at_most_two_years(public):
    shop, orders = public["shop"], public["shop_orders"]
    first = orders.groupby("customer_id")["date"].min()
    window_rate = clv.metrics.purchase_frequency(shop, unit="year", per_customer=True)
    by_year = window_rate.groupby(first.dt.year).mean()
    assert by_year[2024] < by_year[2023]
    watched = (shop["date"].max() - first).dt.days + 1
    assert watched[first.dt.year == 2024].max() == 366 + 365  # "up to two years": 2024 and 2025


def test_about_half_of_cdnow_bought_on_one_day_only(public):
    lifespans = clv.metrics.customer_lifespan(public["cdnow_orders"], unit="year", per_customer=True)
    assert 0.45 < (lifespans == 0).mean() < 0.55 and lifespans.median() == 0


def test_cdnow_lifespans_dip_then_rise_and_stop_at_the_window(public):
    orders = public["cdnow_orders"]
    lifespans = clv.metrics.customer_lifespan(orders, unit="year", per_customer=True)
    positive = lifespans[lifespans > 0]
    counts, _edges = np.histogram(positive, bins=30, range=(0, positive.max()))
    assert counts[0] > counts[5:15].mean() < counts[20:28].mean()
    assert lifespans.max() <= _window_years(orders)


def test_most_long_lived_cdnow_customers_were_still_buying_at_the_end(public):
    orders = public["cdnow_orders"]
    lifespans = clv.metrics.customer_lifespan(orders, unit="year", per_customer=True)
    last = orders.groupby("customer_id")["date"].max()
    late = last >= orders["date"].max() - pd.Timedelta(days=90)
    assert late[lifespans > 1].mean() > 0.5


def test_the_later_shop_customers_seem_to_stay_much_shorter(public):
    shop, orders = public["shop"], public["shop_orders"]
    lifespans = clv.metrics.customer_lifespan(shop, unit="year", per_customer=True)
    first_year = orders.groupby("customer_id")["date"].min().dt.year
    means = lifespans.groupby(first_year).mean()
    assert means[2024] < 0.75 * means[2023]


def test_the_lifespan_product_is_far_below_what_customers_spent(public):
    orders = public["cdnow_orders"]
    aov = clv.metrics.average_order_value(orders)
    frequency = clv.metrics.purchase_frequency(orders, unit="year")
    mismatched = aov * frequency * clv.metrics.customer_lifespan(orders, unit="year")
    spent = orders["amount"].sum() / orders["customer_id"].nunique()
    assert mismatched < 0.5 * spent


def test_the_preview_clv_lies_above_what_shop_customers_spent_so_far(public):
    shop, orders = public["shop"], public["shop_orders"]
    customers = shop["customer_id"].nunique()
    active = orders.groupby(["customer_id", orders["date"].dt.year]).ngroups
    lifetime = clv.metrics.expected_lifetime(clv.metrics.churn_rate(shop, unit="year")["2025"])
    assert lifetime > active / customers  # "longer than the active years seen so far"
    clv_value = clv.metrics.average_order_value(shop) * len(orders) / active * lifetime
    assert clv_value > shop["amount"].sum() / customers


def test_chapter_3_computes_the_churn_the_preview_borrows(root):
    source = "\n".join(cell.source for cell in
                       nbformat.read(root / "masters" / "03_retention.ipynb", as_version=4).cells)
    assert 'churn_rate(shop, unit="year")["2025"]' in source and "1}{\\text{churn}}" in source


# ------------------------------------------------------------------------ the notebook's form

def test_no_cell_shows_a_bare_tuple(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells)


def test_code_cells_are_short(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, limit=13, kinds=())


def test_every_code_cell_follows_prose_or_the_cell_it_continues(root):
    cells = ch.master(root, MASTER).cells
    for before, cell in itertools.pairwise(cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            continues = {"ch02-cdnow-head", "ch02-refund-count", "ch02-timebases-direct"}
            assert cell.id.endswith("-check") or cell.id in continues, cell.id


def test_cdnow_is_measured_in_orders_not_rows(root):
    """Every CDNOW metric uses cdnow_orders, except the one cell that compares with rows."""
    for cell in ch.master(root, MASTER).cells:
        if cell.cell_type == "code" and re.search(r"metrics\.\w+\(cdnow[,)]", cell.source):
            assert cell.id == "ch02-aov-cdnow", cell.id


def test_the_frequency_exercises_state_their_conventions(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    for intro in ("ch02-cdnow-frequency-intro", "ch02-shop-frequency-intro"):
        assert "both days included" in sources[intro] and "365.25" in sources[intro], intro


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.master(root, MASTER).cells, "Next: chapter 3")


def test_hints_teach_the_idea_without_dictating_code():
    code = re.compile(r"\w\(|\.\w+\(|==|\[|clv\.|`")
    ch.assert_hints_free_of(ch02.EXERCISES, code, with_id=False)
