"""Chapter 5: exercises that ask for a decision and accept every honest solution; prose that is
true of the shop (no lags, noisy months, when "never pays back" holds, which channel takes the
budget); the gross profit so far named as such, not as CLV; a payback chart whose axis says
what its bars count."""

from __future__ import annotations

import itertools
import math
import textwrap

import pytest

import clv_course as clv
from clv_course import segments
from clv_course.exercises import CourseData, FunctionPart, ch05, chapter_exercises, get
from clv_course.plots.acquisition import payback_curve
from tests.support import chapters as ch
from tests.test_ch00_start_here import CODE

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/05_acquisition.ipynb"


def _tables(seed):
    data = CourseData(seed)
    marketing, customers = data.load("shop_marketing"), data.load("shop_customers")
    shop = data.load("shop")
    return {"marketing": marketing, "customers": customers, "shop": shop,
            "by_channel": shop.groupby("acquisition_channel"),
            "cac_table": clv.metrics.acquisition_cost_by_channel(marketing, customers)}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    return request.param, _tables(request.param)


@pytest.fixture(scope="module")
def public():
    return _tables(None)


# ------------------------------------------------------ several right solutions, as learners write

SOLUTIONS = {
    "ch05-cac-by-channel": {
        "pandas": """
            cac_by_channel = (marketing.groupby("channel")["spend"].sum()
                              / customers.groupby("acquisition_channel")["customer_id"].nunique())
        """,
        "package": 'cac_by_channel = cac_table["cac"]',
        "from the shop table": """
            won = shop.groupby("acquisition_channel")["customer_id"].nunique()
            cac_by_channel = clv.metrics.acquisition_cost(marketing.groupby("channel")["spend"].sum(), won)
        """,
    },
    "ch05-cac-2024": {
        "pandas": """
            cac_2024 = (marketing.loc[marketing["month"].dt.year == 2024, "spend"].sum()
                        / (customers["first_purchase"].dt.year == 2024).sum())
        """,
        "first orders in the shop table": """
            first = shop[~shop["is_refund"]].groupby("customer_id")["date"].min()
            spend = marketing[marketing["month"].dt.year == 2024]["spend"].sum()
            cac_2024 = clv.metrics.acquisition_cost(spend, int((first.dt.year == 2024).sum()))
        """,
    },
    "ch05-clv-cac-ratio": {
        "package": """
            ratio_by_channel = clv.metrics.clv_cac_ratio(
                by_channel["gross_margin"].sum() / by_channel["customer_id"].nunique(), cac_table["cac"])
        """,
        "per customer, then the mean": """
            per_customer = shop.groupby(["acquisition_channel", "customer_id"])["gross_margin"].sum()
            ratio_by_channel = per_customer.groupby(level=0).mean() / cac_table["cac"]
        """,
    },
    "ch05-payback": {
        "ceil": """
            def payback_months(cac, monthly_margin):
                return math.ceil(cac / monthly_margin)
        """,
        "a loop, month by month": """
            def payback_months(cac, monthly_margin):
                months, earned = 0, 0.0
                while earned < cac:
                    months += 1
                    earned += monthly_margin
                return months
        """,
        "the package": """
            def payback_months(cac, monthly_margin):
                return int(clv.metrics.payback_period(cac, monthly_margin))
        """,
    },
    "ch05-max-cac": {
        "min of the two limits": """
            def max_allowable_cac(clv_value, monthly_margin, target_ratio, max_payback_months):
                return min(clv_value / target_ratio, max_payback_months * monthly_margin)
        """,
        "if, the ratio first": """
            def max_allowable_cac(clv, monthly_margin, target_ratio, max_payback_months):
                limit = clv / target_ratio
                if limit > max_payback_months * monthly_margin:
                    limit = max_payback_months * monthly_margin
                return limit
        """,
        "numpy": """
            def max_allowable_cac(clv, monthly_margin, target_ratio, max_payback_months):
                return float(np.minimum(clv / target_ratio, monthly_margin * max_payback_months))
        """,
    },
}
CASES = [(exercise_id, name) for exercise_id, named in SOLUTIONS.items() for name in named]


def _namespace(tables, source):
    return ch.run_solution(tables, source, {"math": math})


def test_every_chapter_5_exercise_has_at_least_two_solutions_here():
    assert set(SOLUTIONS) == {exercise.id for exercise in ch05.EXERCISES}
    assert all(len(named) >= 2 for named in SOLUTIONS.values())


@pytest.mark.parametrize("exercise_id, name", CASES, ids=[f"{e}:{n}" for e, n in CASES])
def test_each_solution_scores_full_points_publicly_and_on_a_grading_variant(run, exercise_id, name):
    seed, tables = run
    result = ch.judged(exercise_id, _namespace(tables, SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_registered_mistake_written_by_a_learner_gets_its_own_hint(seed):
    ch.assert_mistakes_get_their_hints(chapter_exercises("ch05"), seed)


def test_the_mistakes_the_review_asked_for_are_registered():
    mistakes = {(e.id, p.answer): {w.mistake for w in p.wrong}
                for e in chapter_exercises("ch05") for p in e.parts}
    assert {"active customers, not new ones", "active customers counted with refund rows"} \
        <= mistakes[("ch05-cac-2024", "cac_2024")]
    assert "whole months plus one" in mistakes[("ch05-payback", "payback_months")]
    assert {"only the ratio rule", "only the payback rule", "the looser of the two limits",
            "CLV times the target"} <= mistakes[("ch05-max-cac", "max_allowable_cac")]
    assert "rounds to the nearest month" in mistakes[("ch05-payback", "payback_months")]
    assert "mean of the monthly CACs" in mistakes[("ch05-cac-by-channel", "cac_by_channel")]
    assert "unweighted mean of the channels' CACs" in mistakes[("ch05-cac-2024", "cac_2024")]
    assert "refunds left out of the gross margin" \
        in mistakes[("ch05-clv-cac-ratio", "ratio_by_channel")]


@pytest.mark.parametrize("seed", SEEDS)
def test_rounding_to_the_nearest_month_fails_with_its_own_hint(seed):
    """Fixed cases with a fractional part below one half: 100 / 30 (4, not 3), 10 / 30 (1, not 0)."""
    part = get("ch05-payback").parts[0]
    cases = part.public_cases(CourseData(None)) if seed is None \
        else part.grading_cases(seed, CourseData(seed))
    assert all(case in cases for case in [*ch05.SHORT_OF_HALF, ch05.ABOVE_HALF])
    assert [c.call(part.reference) for c in ch05.SHORT_OF_HALF] == [4, 1]
    outcome = ch.part_result("ch05-payback", "payback_months", lambda c, m: round(c / m), seed)
    assert outcome.points == 0 and "not yet enough" in outcome.message
    floor = ch.part_result("ch05-payback", "payback_months", lambda c, m: math.floor(c / m), seed)
    assert "stops one month early" in floor.message  # not mistaken for rounding


@pytest.mark.parametrize("seed", SEEDS)
def test_the_two_active_customer_mistakes_are_different_numbers(seed):
    data = CourseData(seed)
    with_refunds, without = (ch05._cac_2024_active_with_refunds(data),
                             ch05._cac_2024_active_customers(data))
    assert with_refunds != pytest.approx(without, rel=1e-6)


def test_the_payback_cases_include_an_exact_multiple_publicly_and_at_grading():
    part = get("ch05-payback").parts[0]
    for cases in (part.public_cases(CourseData(None)),
                  part.grading_cases(GRADING_SEED, CourseData(GRADING_SEED))):
        assert ch05.EXACT_PAYBACK[0] in cases  # CAC 90, margin 30
        exact = [c for c in cases if (c.args[0] / c.args[1]).is_integer()]
        assert len(exact) >= 3
        assert all(c.call(part.reference) == c.args[0] / c.args[1] for c in exact)
    assert ch05._payback_months(90.0, 30.0) == 3


def test_whole_months_plus_one_fails_on_the_exact_multiple_with_its_hint():
    outcome = ch.part_result("ch05-payback", "payback_months", lambda cac, m: int(cac / m) + 1)
    assert outcome.points == 0 and "payback is 3" in outcome.message


def test_retyping_the_ratio_formula_does_not_pass_the_maximum_cac():
    outcome = ch.part_result("ch05-max-cac", "max_allowable_cac",
                    lambda clv_value, margin, target, months: clv_value / target)
    assert outcome.points == 0 and "cash rule" in outcome.message


def test_clv_times_the_target_is_told_apart_from_the_payback_rule_alone():
    outcome = ch.part_result("ch05-max-cac", "max_allowable_cac",
                    ch.as_learners(lambda clv_value, margin, target, months:
                                 min(clv_value * target, months * margin)))
    assert outcome.points == 0 and "a third of the CLV" in outcome.message


def test_the_max_cac_cases_make_each_rule_bind_somewhere():
    part = get("ch05-max-cac").parts[0]
    for cases in (part.public_cases(CourseData(None)),
                  part.grading_cases(GRADING_SEED, CourseData(GRADING_SEED))):
        ratio_binds = [c.args[0] / c.args[2] < c.args[3] * c.args[1] for c in cases]
        assert any(ratio_binds) and not all(ratio_binds)


def test_references_are_private_not_package_functions_a_learner_could_assign():
    public = [getattr(module, name) for module in (clv.metrics, segments)
              for name in getattr(module, "__all__", [])]
    for exercise in chapter_exercises("ch05"):
        for part in exercise.parts:
            if isinstance(part, FunctionPart):
                assert part.reference.__name__.startswith("_"), part.answer
                assert not any(part.reference is member for member in public), part.answer
                assert ch.part_result(exercise.id, part.answer, clv.metrics.payback_period).points == 0
    assert not hasattr(ch05, "max_allowable_cac") and not hasattr(ch05, "payback_months")


def test_hints_teach_the_idea_without_dictating_code():
    for exercise, hint in ch.hints(chapter_exercises("ch05")):
        assert not CODE.search(hint), (exercise.id, hint)
        assert "math" not in hint and ".dt" not in hint, hint


# ------------------------------------------------------------------ what the prose says about the data

def _monthly(tables, shift=0):
    marketing, customers = tables["marketing"], tables["customers"]
    spend = marketing.pivot_table(index="month", columns="channel", values="spend", aggfunc="sum")
    won = (customers.groupby([customers["first_purchase"].dt.to_period("M"), "acquisition_channel"])
           .size().unstack().reindex(spend.index))
    cac = spend / won.shift(-shift)
    return cac.std() / cac.mean()


def test_the_shop_has_no_lag_and_its_monthly_cac_is_noisy(public):
    same, following = _monthly(public), _monthly(public, shift=1)
    assert (same < following).all()  # "for every channel the same month ... steadier"
    assert (same > 0.1).all()  # "more than a tenth of the CAC"


def test_the_monthly_spend_is_drawn_around_the_months_customers_so_no_lag_can_appear():
    """ch05-lag-reading: "each month's spend was drawn around that month's new customers"."""
    from clv_course import shop as simulation
    source = textwrap.dedent(__import__("inspect").getsource(simulation))
    assert "won.to_numpy() * cac * noise" in source


def test_search_takes_about_half_the_budget_and_is_the_only_channel_below_3_to_1(public):
    """ch05-budget-reading and ch05-ratio-reading."""
    spend = public["cac_table"]["spend"]
    assert spend.idxmax() == "search" and 0.48 < spend["search"] / spend.sum() < 0.55
    assert round(spend["search"], -3) == 79_000 and round(spend.sum(), -3) == 152_000
    by_channel = public["by_channel"]
    ratio = (by_channel["gross_margin"].sum() / by_channel["customer_id"].nunique()
             / public["cac_table"]["cac"]).round(1)
    assert ratio.to_dict() == {"marketplace": 9.3, "referral": 9.0, "search": 2.9, "social": 3.6}


def test_segments_differ_even_more_than_channels(public):
    """ch05-summary: "whose value differs even more than the channels' did"."""
    by_channel = public["by_channel"]
    channel_value = by_channel["gross_margin"].sum() / by_channel["customer_id"].nunique()
    profit = segments.value_per_customer(public["shop"])
    tier_value = profit.groupby(segments.clv_tiers(profit)).mean()
    assert tier_value.max() / tier_value.min() > 10 > channel_value.max() / channel_value.min()


def test_every_customer_came_through_a_paid_channel(public):
    """ch05-blended-note: "every customer came through one of the four channels"."""
    channels = public["customers"]["acquisition_channel"]
    assert channels.notna().all() and set(channels) == set(public["marketing"]["channel"])


def test_the_marginal_illustration_reads_as_the_text_says():
    before, after, marginal = 40_000 / 1_000, 50_000 / 1_150, 10_000 / 150
    assert after - before < 5 and marginal > 1.5 * after  # "a little", "far more"


def test_the_never_paying_back_claims_are_true(public):
    search_cac = public["cac_table"].loc["search", "cac"]
    assert 6 / (1 - 0.8) < search_cac < 6 / (1 - 0.9)  # never at 80 %, does reach at 90 %
    stayer = math.ceil(search_cac / 6)
    assert 0.2 < 0.8 ** (stayer - 1) < 0.3  # "about a quarter of them"
    assert clv.metrics.payback_period(search_cac, 6, retention=0.9) > stayer  # "later than"
    assert math.isinf(clv.metrics.payback_period(search_cac, 6, retention=0.8))


def test_the_payback_chart_counts_months_of_margin_and_its_first_paid_bar_is_the_payback(public):
    search_cac = public["cac_table"].loc["search", "cac"]
    axes = payback_curve(search_cac, 6, retention=0.9, periods=24, currency="EUR").axes[0]
    assert "Months of margin received" in axes.get_xlabel() and "EUR" in axes.get_ylabel()
    first_paid = min(p.get_x() + p.get_width() / 2 for p in axes.containers[1])
    assert first_paid == clv.metrics.payback_period(search_cac, 6, retention=0.9)


def test_search_is_the_channel_just_below_the_rule(public):
    by_channel = public["by_channel"]
    clv_per_customer = by_channel["gross_margin"].sum() / by_channel["customer_id"].nunique()
    headroom = clv_per_customer / 3 - public["cac_table"]["cac"]
    assert (headroom < 0).tolist() == [name == "search" for name in headroom.index]


# ------------------------------------------------------------------------ the notebook's form

def _sources(root):
    return {cell.id: cell.source for cell in ch.master(root, MASTER).cells}


def test_the_lags_are_taught_as_what_to_look_for_and_found_absent(root):
    sources = _sources(root)
    assert "What to look for in real data" in sources["ch05-periods"]
    assert "no\nlag" in sources["ch05-lag-reading"] or "no lag" in sources["ch05-lag-reading"]


def test_average_cac_is_not_marginal_cac_is_said_and_explained(root):
    limits = _sources(root)["ch05-rule-limits"]
    assert "Average CAC is not marginal CAC" in limits and "extra spend divided by the extra" \
        in limits
    assert "Averages are not margins" not in "\n".join(_sources(root).values())


def test_the_average_customer_is_not_said_never_to_pay_back(root):
    prose = "\n".join(_sources(root).values())
    assert "average customer **never**" not in prose and "average customer may never" not in prose


def test_what_customers_brought_so_far_is_not_called_clv(root):
    """Chapter 1: what customers have spent so far is not CLV; here it only stands in for it."""
    sources = _sources(root)
    prose = "\n".join(sources.values())
    assert "historic CLV" not in prose and "Historic CLV" not in prose
    assert "channel_clv" not in prose
    assert "gross profit so far per customer" in sources["ch05-profit-clv"]
    assert "understates" in sources["ch05-profit-clv"] and "discounting" in sources["ch05-profit-clv"]
    assert "refund rows included" in sources["ch05-ratio-intro"]


def test_the_clv_and_cac_legend_names_the_stand_in(public):
    from clv_course.plots.acquisition import clv_and_cac
    by_channel = public["by_channel"]
    value = by_channel["gross_margin"].sum() / by_channel["customer_id"].nunique()
    legend = clv_and_cac(value, public["cac_table"]["cac"], currency="EUR").axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0] == "Gross profit so far (stand-in for profit CLV)" and "Profit CLV" not in texts


def test_the_lag_prose_blames_the_simulation_not_small_months(root):
    sources = _sources(root)
    assert "bought at the same price" not in sources["ch05-lag-intro"]
    assert "per new customer from month to month" in sources["ch05-lag-intro"]
    reading = sources["ch05-lag-reading"]
    assert "few customers a month" not in reading and "simulated shop" in reading
    assert "Real data needs the check" in reading


def test_the_maximum_cac_states_the_customer_stays_through_the_window(root):
    assert "throughout the payback window" in _sources(root)["ch05-max-cac-intro"]


def test_the_charts_are_read_out(root):
    ids = [cell.id for cell in ch.master(root, MASTER).cells]
    for chart, reading in (("ch05-chart", "ch05-chart-reading"),
                           ("ch05-ratio-chart", "ch05-ratio-reading")):
        assert ids.index(reading) == ids.index(chart) + 1


def test_the_exercise_states_the_exact_multiple_convention(root):
    assert "exactly" in _sources(root)["ch05-payback-intro"]


def test_no_cell_shows_a_bare_tuple_and_code_cells_are_short(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, limit=12, strip=False)


def test_every_code_cell_follows_prose_or_is_a_check(root):
    for before, cell in itertools.pairwise(ch.master(root, MASTER).cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            assert cell.id.endswith("-check"), cell.id


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.master(root, MASTER).cells, "Next: chapter 6")
