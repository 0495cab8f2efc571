"""Chapter 6: exercises that ask for a decision and accept every honest solution; prose that is
true of the shop (a "new" segment without new customers, tiers that favour old customers, how
few customers bring 80 %, compared like with like); the profit so far named as such, not as
CLV; no answer shown on a chart before its exercise."""

from __future__ import annotations

import itertools

import nbformat
import pandas as pd
import pytest

import clv_course as clv
from clv_course import segments
from clv_course.exercises import CourseData, FunctionPart, ch06, chapter_exercises, get
from clv_course.plots.segments import concentration_plot, decile_plot
from tests.support import chapters as ch
from tests.test_ch00_start_here import CODE

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/06_segmentation.ipynb"


def _tables(seed):
    data = CourseData(seed)
    shop = data.load("shop")
    return {"shop": shop, "cdnow": data.load("cdnow"), "profit": segments.value_per_customer(shop)}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    return request.param, _tables(request.param)


@pytest.fixture(scope="module")
def public():
    tables = _tables(None)
    shop = tables["shop"]
    reference = shop["date"].max()
    scores = segments.rfm_scores(segments.rfm_table(shop, reference_date=reference))
    first = shop[~shop["is_refund"]].groupby("customer_id")["date"].min()
    return {**tables, "scores": scores, "first": first, "tenure": (reference - first).dt.days,
            "tiers": segments.clv_tiers(tables["profit"])}


# ------------------------------------------------------ several right solutions, as learners write

SOLUTIONS = {
    "ch06-recency": {
        "pandas": """
            def recency_days(transactions, reference_date):
                orders = transactions[~transactions["is_refund"]]
                last_purchase = orders.groupby("customer_id")["date"].max()
                return (pd.Timestamp(reference_date) - last_purchase).dt.days
        """,
        "the package": """
            def recency_days(transactions, reference_date):
                return segments.rfm_table(transactions, reference_date=reference_date)["recency"]
        """,
        "sorted, last row per customer": """
            def recency_days(transactions, reference_date):
                orders = transactions.loc[~transactions["is_refund"]].sort_values("date")
                last = orders.drop_duplicates("customer_id", keep="last").set_index("customer_id")
                days = (pd.Timestamp(reference_date) - last["date"]) / pd.Timedelta(days=1)
                return np.floor(days).astype(int).sort_index()
        """,
    },
    "ch06-top-share": {
        "pandas, cumulative sum": """
            customer_profit = shop.groupby("customer_id")["gross_margin"].sum().sort_values(ascending=False)
            reached = customer_profit.cumsum() >= 0.8 * customer_profit.sum()
            share_for_80 = ((~reached).sum() + 1) / len(customer_profit)
        """,
        "the package's concentration curve": """
            curve = segments.concentration_curve(segments.value_per_customer(shop, "gross_margin"))
            share_for_80 = curve.loc[curve["value_share"] >= 0.8, "customer_share"].iloc[0]
        """,
        "numpy searchsorted": """
            x = np.sort(shop.groupby("customer_id")["gross_margin"].sum().to_numpy())[::-1]
            needed = np.searchsorted(np.cumsum(x), 0.8 * x.sum()) + 1
            share_for_80 = needed / x.size
        """,
    },
    "ch06-deciles": {
        "qcut on ranks": """
            def value_deciles(values):
                return pd.qcut(values.rank(method="first"), 10, labels=range(1, 11)).astype(int)
        """,
        "qcut codes plus one": """
            def value_deciles(values):
                return pd.qcut(values.rank(method="first"), 10, labels=False) + 1
        """,
        "the package": """
            def value_deciles(values):
                return segments.quantile_scores(values, 10)
        """,
        "ceil of 10 x rank / n": """
            def value_deciles(values):
                ranks = values.rank(method="first")
                return np.ceil(10 * ranks / len(values)).astype(int)
        """,
        "percentile ranks": """
            def value_deciles(values):
                return np.ceil(values.rank(method="first", pct=True) * 10).astype(int)
        """,
        "split the sorted list into ten": """
            def value_deciles(values):
                ordered = values.sort_values(kind="stable")
                deciles = pd.Series(0, index=values.index)
                for number, chunk in enumerate(np.array_split(ordered.index.to_numpy(), 10), 1):
                    deciles[chunk] = number
                return deciles
        """,
    },
    "ch06-gini": {
        "trapezoids by hand": """
            def gini(values):
                x = np.sort(np.asarray(values, dtype=float))
                shares = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
                return 1 - 2 * np.sum((shares[1:] + shares[:-1]) / 2) / len(x)
        """,
        "the package's Lorenz curve": """
            def gini(values):
                curve = segments.lorenz_curve(values)
                x, y = curve["customer_share"].to_numpy(), curve["value_share"].to_numpy()
                return 1 - 2 * float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))
        """,
        "mean absolute difference": """
            def gini(values):
                x = np.asarray(values, dtype=float)
                return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size ** 2 * x.mean()))
        """,
    },
}
CASES = [(exercise_id, name) for exercise_id, named in SOLUTIONS.items() for name in named]


def _namespace(tables, source):
    return ch.run_solution(tables, source, {"segments": segments})


def test_every_chapter_6_exercise_has_at_least_two_solutions_here():
    assert set(SOLUTIONS) == {exercise.id for exercise in ch06.EXERCISES}
    assert all(len(named) >= 2 for named in SOLUTIONS.values())


@pytest.mark.parametrize("exercise_id, name", CASES, ids=[f"{e}:{n}" for e, n in CASES])
def test_each_solution_scores_full_points_publicly_and_on_a_grading_variant(run, exercise_id, name):
    seed, tables = run
    result = ch.judged(exercise_id, _namespace(tables, SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_registered_mistake_written_by_a_learner_gets_its_own_hint(seed):
    ch.assert_mistakes_get_their_hints(chapter_exercises("ch06"), seed)


def test_the_old_question_answered_for_the_new_one_is_named():
    """Retyping the top-20 % share (the saying's other half) is a registered mistake."""
    value = segments.top_share(segments.value_per_customer(CourseData(None).load("shop")), 0.2)
    outcome = ch.part_result("ch06-top-share", "share_for_80", value)
    assert outcome.points == 0 and "turns it round" in outcome.message


def test_retyping_the_closed_gini_formula_is_not_the_exercise(root):
    """The closed formula is shown only after the Gini check, as what the trapezoids add up to."""
    cells = ch.master(root, MASTER).cells
    ids = [cell.id for cell in cells]
    formula = next(i for i, cell in enumerate(cells) if "\\sum_{i=1}^{n} i" in cell.source)
    assert formula > ids.index("ch06-gini-check")


def test_the_decile_cases_hold_a_multiple_of_ten_customers_with_ties():
    """So ten equal groups exist and every honest way of cutting them agrees."""
    part = get("ch06-deciles").parts[0]
    for cases in (part.public_cases(CourseData(None)),
                  part.grading_cases(GRADING_SEED, CourseData(GRADING_SEED))):
        for case in cases:
            values = case.args[0]
            assert len(values) % 10 == 0 and values.duplicated().any()
            assert (case.call(part.reference).value_counts() == len(values) // 10).all()


def test_tied_ranks_and_cut_values_are_named_mistakes():
    mistakes = {w.mistake for w in get("ch06-deciles").parts[0].wrong}
    assert "tied customers kept together" in mistakes
    for learner in (lambda v: pd.qcut(v.rank(method="average"), 10, labels=False) + 1,
                    lambda v: pd.qcut(v.rank(method="dense"), 10, labels=False) + 1,
                    lambda v: pd.qcut(v, 10, labels=False, duplicates="drop") + 1):
        outcome = ch.part_result("ch06-deciles", "value_deciles", ch.as_learners(learner))
        assert outcome.points == 0 and "rank of their own" in outcome.message


def test_the_gini_cases_include_equal_customers_and_one_with_everything():
    part = get("ch06-gini").parts[0]
    for cases in (part.public_cases(CourseData(None)),
                  part.grading_cases(GRADING_SEED, CourseData(GRADING_SEED))):
        results = [case.call(part.reference) for case in cases]
        assert results[0] == pytest.approx(0, abs=1e-12) and results[-1] == pytest.approx(0.75)


def test_references_are_private_not_package_functions_a_learner_could_assign():
    public = [getattr(module, name) for module in (clv.metrics, segments)
              for name in getattr(module, "__all__", [])]
    for exercise in chapter_exercises("ch06"):
        for part in exercise.parts:
            if isinstance(part, FunctionPart):
                assert part.reference.__name__.startswith("_"), part.answer
                assert not any(part.reference is member for member in public), part.answer
    assert ch.part_result("ch06-gini", "gini", segments.gini).points == 0


def test_hints_teach_the_idea_without_dictating_code():
    for exercise, hint in ch.hints(chapter_exercises("ch06")):
        assert not CODE.search(hint), (exercise.id, hint)
        assert not any(word in hint for word in ("qcut", "np.", ".dt", "labels=")), hint


# ------------------------------------------------------------------ what the prose says about the data

def test_no_new_customer_is_new(public):
    """ch06-tenure-reading: last customers won in 2024; every "new" one a year old or more,
    some nearly three years."""
    assert public["first"].dt.year.max() == 2024
    new = public["tenure"][public["scores"]["segment"] == "new"]
    assert len(new) > 100 and new.min() >= 365 and new.max() / 365.25 > 2.8


def test_tiers_favour_the_older_customers(public):
    years = public["first"].dt.year
    shares = pd.crosstab(years, public["tiers"], normalize="index")
    assert shares.loc[2023, "A"] > shares.loc[2024, "A"]
    assert shares.loc[2023, "C"] < shares.loc[2024, "C"]
    mean = public["profit"].groupby(years).mean()
    assert mean[2023] > mean[2024]


def test_a_perk_for_tier_a_is_far_too_dear_for_tier_c(public):
    caps = public["profit"].groupby(public["tiers"]).mean() / 3
    assert caps["A"] > 10 * caps["C"]


def test_champions_and_lost_read_as_the_text_says(public):
    segment = public["scores"]["segment"]
    customers = segment.value_counts(normalize=True)
    profit = public["profit"].groupby(segment).sum() / public["profit"].sum()
    assert profit["champions"] > 1.5 * customers["champions"]
    assert profit["lost"] < 0.5 * customers["lost"]


def test_it_takes_about_twice_the_sayings_customers_to_bring_80_percent(public):
    shop_share = ch06._customers_for(public["profit"])
    assert 0.38 < shop_share < 0.42
    assert segments.top_share(public["profit"], 0.2) < 0.7  # "well under 80 %"
    cdnow = segments.value_per_customer(public["cdnow"], "amount")
    assert ch06._customers_for(cdnow) < shop_share  # "more concentrated on both readings"
    assert segments.top_share(cdnow, 0.2) > segments.top_share(public["profit"], 0.2)


def test_no_customer_of_the_shop_has_negative_profit(public):
    """So the running total only grows and "the first customer who reaches 80 %" is one."""
    assert (public["profit"] >= 0).all()


def test_the_figures_name_profit_as_a_share_without_a_currency(public):
    for figure in (concentration_plot(public["profit"]), decile_plot(public["profit"])):
        axes = figure.axes[0]
        assert axes.get_ylabel() == "Share of total profit (gross margin)"
        assert "profit" in axes.get_xlabel() and "value" not in axes.get_ylabel()


def test_the_concentration_chart_marks_where_80_percent_is_reached(public):
    axes = concentration_plot(public["profit"], highlight=0.2, reach=0.8).axes[0]
    needed = ch06._customers_for(public["profit"])
    texts = [text.get_text() for text in axes.texts]
    assert any("bring 80" in text and clv.fmt(needed, "percent", digits=1) in text
               for text in texts), texts
    assert any(list(line.get_ydata())[:2] == [0.8, 0.8] for line in axes.get_lines())


def test_the_decile_and_gini_readings_are_true(public):
    """ch06-decile-reading, ch06-gini-reading, ch06-top-share-reading (shop revenue row)."""
    profit = public["profit"]
    share = profit.groupby(segments.value_deciles(profit)).sum() / profit.sum()
    assert round(share[10], 3) == 0.430 and round(share.loc[1:5].sum(), 3) == 0.139
    assert 2.9 < share[10] / share.loc[1:5].sum() < 3.2  # "three times"
    assert share[10] / 10 > 24 * share[1] / 10  # one of decile 10 is worth dozens of decile 1
    revenue = segments.value_per_customer(public["shop"], "amount")
    cdnow = segments.value_per_customer(public["cdnow"], "amount")
    gini = {name: round(segments.gini(v), 3) for name, v in
            (("profit", profit), ("revenue", revenue), ("cdnow", cdnow))}
    assert gini == {"profit": 0.561, "revenue": 0.557, "cdnow": 0.635}
    assert segments.top_share(cdnow, 0.2) > segments.top_share(revenue, 0.2)
    assert ch06._customers_for(cdnow) < ch06._customers_for(revenue)  # "the conclusion holds"


def test_about_half_of_cdnow_bought_once(public):
    cdnow = public["cdnow"]
    frequency = segments.rfm_table(cdnow, reference_date=cdnow["date"].max())["frequency"]
    assert 0.45 < (frequency == 1).mean() < 0.55


# ------------------------------------------------------------------------ the notebook's form

def test_the_concentration_chart_comes_after_the_exercise_it_would_answer(root):
    ids = [cell.id for cell in ch.master(root, MASTER).cells]
    assert ids.index("ch06-lorenz-plot") > ids.index("ch06-top-share-check")


def test_the_chapter_teaches_tenure_tenure_bias_and_a_spend_cap(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "RFM cannot see tenure" in sources["ch06-tenure-intro"]
    assert "grows with tenure" in sources["ch06-tier-tenure-intro"]
    assert "tier_value / 3" in sources["ch06-spend"]


def test_the_prose_agrees_with_the_package_and_with_the_other_chapters(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    prose = "\n".join(sources.values())
    # chapter 7 targets the most active customers, not a cap per segment
    assert "Chapter 7 uses" not in prose and "target of personalised offers" not in prose
    # chapter 1: what customers have spent so far is not CLV
    assert "historic CLV" not in prose
    assert "understates" in sources["ch06-tiers-intro"] and "so far" in sources["ch06-tiers-intro"]
    # segment_actions: the "new" rule is high R and low F, which the table's caveat says too
    assert "describes it as customers whose first" not in sources["ch06-tenure-intro"]
    assert "as if these\ncustomers had just joined" in sources["ch06-tenure-intro"]
    assert "cannot see how long ago" in " ".join(segments.segment_actions().loc["new"])
    assert 'option_context("display.max_colwidth", None)' in sources["ch06-actions"]
    assert "removes this bias" not in sources["ch06-tier-tenure-reading"]
    assert "most customers bought only once" not in prose
    assert "within one customer" in sources["ch06-deciles-intro"]


def test_the_concentration_and_lorenz_curves_are_kept_apart(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "concentration (Lorenz)" not in "\n".join(sources.values())
    assert sources["ch06-lorenz-intro"].startswith("## How concentrated value is: the "
                                                   "concentration curve")


def test_the_student_notebook_has_one_placeholder_for_the_top_share(root):
    student = nbformat.read(root / "notebooks/en/06_segmentation.ipynb", as_version=4)
    cell = next(cell for cell in student.cells if cell.id == "ch06-top-share")
    assert cell.source.strip().splitlines() == ["share_for_80 = ...  # your code here"]


def test_no_cell_shows_a_bare_tuple_and_code_cells_are_short(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, limit=12, strip=False)


def test_every_code_cell_follows_prose_or_the_cell_it_continues(root):
    for before, cell in itertools.pairwise(ch.master(root, MASTER).cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            assert cell.id.endswith("-check") or cell.id == "ch06-scores-sizes", cell.id


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.master(root, MASTER).cells, "Next: chapter 7")
