"""Chapter 7: several right solutions pass, and what the prose says is true of the course's data.

The chapter compares levers; each comparison it draws in words (which push is
larger, which input wins like for like, how much a targeted campaign differs
from one computed on the average customer, what a voucher costs) is checked
here on the course's data, the identities it teaches also on a grading variant.
"""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

import clv_course as clv
from clv_course import levers
from clv_course.exercises import CourseData, ch07, get
from clv_course.metrics import discounted_clv_closed_form as closed_form
from clv_course.sensitivity import component_clv, one_at_a_time
from tests.support import chapters as ch

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/07_levers.ipynb"


def _data(seed):
    shop = CourseData(seed).load("shop")
    return {"shop": shop, "baseline": levers.shop_baseline(shop, discount_rate=0.1)}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    return request.param, _data(request.param)


@pytest.fixture(scope="module")
def public():
    return _data(None)


# ------------------------------------------------------ several right solutions, as learners write

SOLUTIONS = {
    "ch07-baseline": {
        "pandas": """
            orders = shop[~shop["is_refund"]]
            margin_per_order = shop["gross_margin"].sum() / len(orders)
            orders_per_year = len(orders) / orders.groupby(
                ["customer_id", orders["date"].dt.year]).ngroups
        """,
        "package": """
            margin_per_order = levers.margin_per_order(shop)
            orders_per_year = levers.orders_per_active_year(shop)
        """,
    },
    "ch07-retention-gain": {
        "closed form": """
            gain_five_points = clv.metrics.discounted_clv_closed_form(
                baseline.yearly_margin, baseline.retention + 0.05, baseline.discount_rate) - baseline.clv
            gain_five_percent = clv.metrics.discounted_clv_closed_form(
                baseline.yearly_margin, baseline.retention * 1.05, baseline.discount_rate) - baseline.clv
        """,
        "lever functions": """
            gain_five_points = levers.service_lever(baseline, 0.05).net_gain
            gain_five_percent = levers.service_lever(baseline, 0.05 * baseline.retention).net_gain
        """,
        "by hand": """
            m, r, d = baseline.yearly_margin, baseline.retention, baseline.discount_rate
            value = lambda rate: m * (1 + d) / (1 + d - rate)
            gain_five_points = value(r + 0.05) - value(r)
            gain_five_percent = value(1.05 * r) - value(r)
        """,
    },
    "ch07-loyalty": {
        "closed form": """
            def loyalty_net_gain(margin, retention, discount_rate, gain, cost):
                after = clv.metrics.discounted_clv_closed_form(margin - cost, retention + gain,
                                                               discount_rate)
                return after - clv.metrics.discounted_clv_closed_form(margin, retention, discount_rate)
        """,
        "gain minus cost, each over the longer life": """
            def loyalty_net_gain(margin, retention, discount_rate, gain, cost):
                factor = (1 + discount_rate) / (1 + discount_rate - retention - gain)
                before = margin * (1 + discount_rate) / (1 + discount_rate - retention)
                return margin * factor - before - cost * factor
        """,
    },
    "ch07-break-even": {
        "solved": """
            def break_even_cost(margin, retention, discount_rate, gain):
                return margin * gain / (1 + discount_rate - retention)
        """,
        "margin less what keeps CLV equal": """
            def break_even_cost(margin, retention, discount_rate, gain):
                return margin - margin * (1 + discount_rate - retention - gain) / (
                    1 + discount_rate - retention)
        """,
    },
}
CASES = [(exercise_id, name) for exercise_id, named in SOLUTIONS.items() for name in named]


def _namespace(tables, source):
    return ch.run_solution(tables, source, {"levers": levers}, copy=("shop",))


def test_every_chapter_7_exercise_has_at_least_two_solutions_here():
    assert set(SOLUTIONS) == {exercise.id for exercise in ch07.EXERCISES}
    assert all(len(named) >= 2 for named in SOLUTIONS.values())


@pytest.mark.parametrize("exercise_id, name", CASES, ids=[f"{e}:{n}" for e, n in CASES])
def test_each_solution_scores_full_points_publicly_and_on_a_grading_variant(run, exercise_id, name):
    seed, tables = run
    result = ch.judged(exercise_id, _namespace(tables, SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


def test_the_master_solutions_are_among_those_tested(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "baseline.retention * 1.05" in sources["ch07-retention-gain"]
    assert "baseline.retention + 0.05" in sources["ch07-retention-gain"]


def test_swapping_points_and_per_cent_gets_both_hints(run):
    """Five points read as five per cent (r x 1.05), and the other way round."""
    seed, tables = run
    swapped = """
        gain_five_points = levers.service_lever(baseline, 0.05 * baseline.retention).net_gain
        gain_five_percent = levers.service_lever(baseline, 0.05).net_gain
    """
    result = ch.judged("ch07-retention-gain", _namespace(tables, swapped), seed)
    assert result.points == 0
    assert "50 % becomes 55 %" in result.parts[0].message
    assert "50 % becomes 52.5 %" in result.parts[1].message


def test_a_loyalty_gain_read_as_per_cent_gets_the_points_hint(run):
    seed, tables = run
    per_cent = """
        def loyalty_net_gain(margin, retention, discount_rate, gain, cost):
            return (clv.metrics.discounted_clv_closed_form(margin - cost, retention * (1 + gain),
                                                           discount_rate)
                    - clv.metrics.discounted_clv_closed_form(margin, retention, discount_rate))
    """
    message = ch.judged("ch07-loyalty", _namespace(tables, per_cent), seed).parts[0].message
    assert "percentage points" in message


def test_the_promise_worth_more_is_five_points_on_both_variants(run):
    """What exercise 7.2 asks the learner to decide: points are the larger push at this retention."""
    seed, _tables = run
    data = CourseData(seed)
    assert ch07._gain(data, ch07._points) > 1.5 * ch07._gain(data, ch07._per_cent) > 0


# ------------------------------------------------------------------ what the prose says about the data

def test_cdnow_has_more_customer_years_than_customers_but_fewer_than_twice():
    cdnow = clv.datasets.load("cdnow")
    years = cdnow.assign(year=cdnow["date"].dt.year).drop_duplicates(["customer_id", "year"])
    customers = cdnow["customer_id"].nunique()
    assert customers < len(years) < 2 * customers


def test_five_points_are_a_much_larger_push_than_five_per_cent(public):
    r = public["baseline"].retention
    assert 0.05 / r > 0.09  # "almost twice as large": the first row's 9.2 %


def test_like_for_like_retention_edges_ahead_by_a_few_hundredths_of_a_point(run):
    _seed, t = run
    b = t["baseline"]
    by_retention = levers.service_lever(b, 0.05 * b.retention)
    by_orders = levers.personalisation_lever(b, 0.05, share=1.0, cost_per_year=0)
    by_margin = levers.upsell_lever(b, 0.05)
    retention_change = by_retention.net_gain / b.clv
    assert by_orders.net_gain / b.clv == pytest.approx(0.05)
    assert by_margin.net_gain / b.clv == pytest.approx(0.05)
    assert 0.05 < retention_change < 0.0505 + 0.001  # "a few hundredths of a point"


def test_the_elasticity_is_just_below_one_and_the_shop_just_left_of_the_line(public):
    b = public["baseline"]
    elasticity = b.retention / (1 + b.discount_rate - b.retention)
    assert 0.95 < elasticity < 1
    assert (1 + b.discount_rate) / 2 - 0.02 < b.retention < (1 + b.discount_rate) / 2


@pytest.mark.parametrize("retention", [0.1, 0.5, 0.54, 0.9, 0.99])
def test_the_elasticity_to_churn_is_below_one_at_any_retention(retention):
    """Chapter 4 varies churn: c / (d + c) < 1, so order value tops its tornado at any retention."""
    d, c = 0.1, 1 - retention
    m = 100.0
    slightly_more_churn = closed_form(m, 1 - c * 1.0001, d) / closed_form(m, retention, d) - 1
    assert abs(slightly_more_churn) / 0.0001 == pytest.approx(c / (d + c), rel=1e-3)
    assert c / (d + c) < 1


def _churn_clv(aov, frequency, margin, churn, discount_rate):
    return component_clv(aov, frequency, margin, 1 - churn, discount_rate)


def test_chapter_4_tornado_varies_churn_and_puts_order_value_on_top_for_this_shop(public):
    shop = public["shop"]
    orders = shop[~shop["is_refund"]]
    inputs = {"aov": clv.metrics.average_order_value(shop),
              "frequency": len(orders) / orders.groupby(orders["date"].dt.year)["customer_id"]
              .nunique().sum(),
              "margin": shop["gross_margin"].sum() / shop["amount"].sum(),
              "churn": 1 - clv.metrics.retention_rate(shop, unit="year").mean(),
              "discount_rate": 0.10}
    table = one_at_a_time(inputs, change=0.10, model=_churn_clv)
    assert table.index[0] == "aov"
    assert table.loc["churn", "swing"] < table.loc["aov", "swing"]


def _picked_on_the_past(shop):
    """The chapter's selection: ranked on 2023-24 among 2024's customers, measured on 2025."""
    orders = shop[~shop["is_refund"]]
    year = orders["date"].dt.year
    active = orders.loc[year == 2024, "customer_id"].unique()
    past = orders[year.isin([2023, 2024]) & orders["customer_id"].isin(active)]
    counts = past.groupby("customer_id").size()
    top = counts.rank(ascending=False, method="first") <= 0.3 * len(counts)

    def next_year(customers):
        later = shop[(shop["date"].dt.year == 2025) & shop["customer_id"].isin(customers)]
        came_back = pd.Index(customers).isin(later.loc[~later["is_refund"], "customer_id"]).mean()
        return levers.Baseline(levers.margin_per_order(later), levers.orders_per_active_year(later),
                               came_back, 0.1)
    return next_year(counts.index[top]), next_year(counts.index[~top]), top.mean()


def _ranked_on_all_years(shop):
    counts = shop[~shop["is_refund"]].groupby("customer_id").size()
    most_active = counts.index[counts.rank(ascending=False, method="first") <= 0.3 * len(counts)]
    return levers.shop_baseline(shop[shop["customer_id"].isin(most_active)])


def test_the_master_measures_the_targeted_group_on_the_year_after_it_was_picked(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "year.isin([2023, 2024])" in sources["ch07-targeted"]
    assert "== 2025" in sources["ch07-next-year"]
    assert "next_year_baseline(most_active)" in sources["ch07-targeted-table"]


def test_the_most_active_order_more_come_back_somewhat_more_and_are_worth_about_twice(run):
    _seed, t = run
    b = t["baseline"]
    top, rest, share = _picked_on_the_past(t["shop"])
    assert share == pytest.approx(0.3, abs=0.001)
    assert top.margin_per_order == pytest.approx(b.margin_per_order, rel=0.05)  # "about the same"
    assert top.orders_per_year > 1.5 * b.orders_per_year  # "far more often"
    assert rest.retention + 0.04 < top.retention < rest.retention + 0.15  # "somewhat more often"
    assert 1.6 < top.clv / b.clv < 2.4  # "about twice the average"


def test_ranked_and_measured_on_the_same_years_the_most_active_look_far_more_loyal(run):
    _seed, t = run
    top, _rest, _share = _picked_on_the_past(t["shop"])
    assert _ranked_on_all_years(t["shop"]).retention > top.retention + 0.15  # "far more often"


def test_personalisation_on_the_average_customer_looks_less_than_half_as_large(run):
    _seed, t = run
    b = t["baseline"]
    top, _rest, share = _picked_on_the_past(t["shop"])
    targeted = share * levers.personalisation_lever(top, 0.15, 1.0, 4.0).net_gain
    on_average = levers.personalisation_lever(b, 0.15, share, 4.0).net_gain
    assert targeted > 2 * on_average > 0  # "less than half", "more than twice as much"


def test_a_voucher_costs_the_goods_or_its_face_value_and_points_eat_the_margin(public):
    shop = public["shop"]
    rate = shop["gross_margin"].sum() / shop["amount"].sum()
    assert 0 < 10 * (1 - rate) < 10
    assert 0.05 / rate > 2.5 * 0.05  # "a far larger share of the profit"


def test_upselling_pays_at_one_euro_and_breaks_even_at_its_extra_yearly_margin(run):
    _seed, t = run
    b = t["baseline"]
    assert levers.upsell_lever(b, 0.05, cost_per_year=1.0).net_gain > 0
    assert levers.upsell_lever(b, 0.05, cost_per_year=0.05 * b.yearly_margin).net_gain == \
        pytest.approx(0, abs=1e-9)


def test_halving_returns_is_worth_about_as_much_as_the_upselling_push(run):
    _seed, t = run
    shop, b = t["shop"], t["baseline"]
    taken_back = -shop.loc[shop["is_refund"], "gross_margin"].sum()
    quality = levers.upsell_lever(b, taken_back / 2 / shop["gross_margin"].sum())
    assert quality.net_gain == pytest.approx(levers.upsell_lever(b, 0.05).gross_gain, rel=0.1)


def test_every_lever_in_the_comparison_pays(public):
    b = public["baseline"]
    top, _rest, _share = _picked_on_the_past(public["shop"])
    results = [levers.service_lever(b, 0.03, 2.0), levers.loyalty_lever(b, 0.05, 0.4, 5.0),
               levers.upsell_lever(b, 0.05, 1.0)]
    assert all(result.pays for result in results)  # "a red bar would mean..." - none is red
    assert levers.personalisation_lever(top, 0.15, 1.0, 4.0).pays


# ------------------------------------------------------------------------ the notebook's form

def test_no_cell_shows_a_bare_tuple(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells)


def test_code_cells_are_short(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, limit=13, kinds=())


def test_every_code_cell_follows_prose_or_the_cell_it_continues(root):
    cells = ch.master(root, MASTER).cells
    for before, cell in itertools.pairwise(cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            assert cell.id.endswith("-check") or cell.id in {"ch07-compare-plot"}, cell.id


def test_the_chapter_names_the_missing_levers_and_the_misconceptions(root):
    text = "\n".join(cell.source for cell in ch.master(root, MASTER).cells if cell.cell_type == "markdown")
    for phrase in ("product quality", "**Data**", "Who joins?", "full face value",
                   "percentage points", "Like with like", "costs 1 EUR per customer"):
        assert phrase in text, phrase
    assert "costs only its margin" not in text
    assert "retention is the strongest lever in most shops" not in text


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.master(root, MASTER).cells, "Next: chapter 8")


def test_hints_teach_the_idea_without_dictating_code():
    code = re.compile(r"\w\(|\.\w+\(|==|\[|clv\.|`")
    ch.assert_hints_free_of(ch07.EXERCISES, code, with_id=False)


def test_the_wrong_answer_r_times_one_plus_g_is_registered_wherever_gain_is_in_points():
    for exercise_id in ("ch07-retention-gain", "ch07-loyalty", "ch07-break-even"):
        mistakes = [w.mistake for part in get(exercise_id).parts for w in part.wrong]
        assert any("per cent" in mistake for mistake in mistakes), exercise_id


def test_closed_form_helper_matches_the_package():
    assert ch07._loyalty_net_gain(60, 0.5, 0.1, 0.05, 5) == pytest.approx(
        closed_form(55, 0.55, 0.1) - closed_form(60, 0.5, 0.1))


# ------------------------------------------------- review of chapters 7 and 8: what must stay fixed

def test_the_chapter_says_which_measure_of_customer_loss_each_chapter_varies(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    read = sources["ch07-compare-five-read"]
    assert "relative change of **retention**" in read and "r / (1 + d - r)" in read
    assert "relative change of **churn**" in read and "c / (d + c)" in read
    assert "chapter 4" in read and "always below 1" in read
    assert "such as chapter 4's loyal subscriber" not in sources["ch07-elasticity-read"]
    assert "varied churn" in sources["ch07-elasticity-read"]
    assert "For small changes, measured as a relative\n  change of retention" in sources["ch07-summary"]


def test_the_model_names_the_cost_convention_but_not_the_recipe_of_exercise_7_3(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "paid at the start of\neach year the customer stays" in sources["ch07-model"]
    assert "comes straight off" not in sources["ch07-model"]
    assert "m' - \\text{cost}" not in sources["ch07-model"]
    assert "the first margin and the first cost fall today" in sources["ch07-loyalty-intro"]


LOYALTY_SLIPS = {
    "cost over the old lifetime": ("""
        def loyalty_net_gain(margin, retention, discount_rate, gain, cost):
            value = clv.metrics.discounted_clv_closed_form
            return (value(margin, retention + gain, discount_rate) - value(margin, retention, discount_rate)
                    - value(cost, retention, discount_rate))
    """, "longer lifetime"),
    "not discounted": ("""
        def loyalty_net_gain(margin, retention, discount_rate, gain, cost):
            return (margin - cost) / (1 - retention - gain) - margin / (1 - retention)
    """, "discount both"),
    "Gupta-Lehmann end of year": ("""
        def loyalty_net_gain(margin, retention, discount_rate, gain, cost):
            def value(m, r):
                return m * r / (1 + discount_rate - r)
            return value(margin - cost, retention + gain) - value(margin, retention)
    """, "Check the timing"),
}


@pytest.mark.parametrize("slip", list(LOYALTY_SLIPS))
def test_each_loyalty_slip_gets_its_own_hint(run, slip):
    seed, tables = run
    source, phrase = LOYALTY_SLIPS[slip]
    result = ch.judged("ch07-loyalty", _namespace(tables, source), seed)
    assert result.points == 0 and phrase in result.parts[0].message


def test_the_end_of_year_slip_is_off_by_exactly_one_years_cost():
    m, r, d, g, c = 60.0, 0.5, 0.1, 0.05, 5.0
    end_of_year = (m - c) * (r + g) / (1 + d - r - g) - m * r / (1 + d - r)
    assert end_of_year == pytest.approx(ch07._loyalty_net_gain(m, r, d, g, c) + c)


def test_the_break_even_slip_of_the_old_lifetime_gets_its_hint(run):
    seed, tables = run
    source = """
        def break_even_cost(margin, retention, discount_rate, gain):
            return margin * gain / (1 + discount_rate - retention - gain)
    """
    message = ch.judged("ch07-break-even", _namespace(tables, source), seed).parts[0].message
    assert "also lasts the longer lifetime" in message


def test_baseline_slips_get_their_hints(run):
    seed, tables = run
    source = """
        orders = shop[~shop["is_refund"]]
        margin_per_order = orders["gross_margin"].sum() / len(orders)
        orders_per_year = len(orders) / orders["customer_id"].nunique() / 3
    """
    result = ch.judged("ch07-baseline", _namespace(tables, source), seed)
    assert result.points == 0
    assert "negative gross_margin" in result.parts[0].message
    assert "Not every customer is there every year" in result.parts[1].message
