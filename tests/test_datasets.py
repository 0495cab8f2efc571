"""The course's data sets load tidy, match their data card, and the shop is reproducible."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from clv_course import datasets, metrics
from clv_course.errors import InputError
from clv_course.shop import FILES, TRUE_PARAMETERS, parameters_markdown, write_shop


def _card(root) -> str:
    return (root / "datasets" / "README.md").read_text()


def test_available_lists_every_data_set_with_a_description():
    names = datasets.available()
    assert set(names) == {"cdnow", "cdnow_sample", "shop", "shop_customers", "shop_marketing"}
    assert all(len(description) > 20 for description in names.values())


def test_transactions_have_the_tidy_columns_and_types():
    for name in ("cdnow", "cdnow_sample", "shop"):
        frame = datasets.load(name)
        assert list(frame.columns[:1]) == ["customer_id"] or "customer_id" in frame.columns
        assert {"customer_id", "date", "quantity", "amount"} <= set(frame.columns)
        assert pd.api.types.is_datetime64_any_dtype(frame["date"])
        assert pd.api.types.is_float_dtype(frame["amount"])


def test_cdnow_sample_is_the_papers_2357_customers():
    sample = datasets.load("cdnow_sample")
    assert (len(sample), sample["customer_id"].nunique()) == (6919, 2357)
    assert sample[["customer_id", "date"]].drop_duplicates().shape[0] == 6696


def test_cdnow_master_matches_the_data_card():
    master = datasets.load("cdnow")
    assert (len(master), master["customer_id"].nunique()) == (69659, 23570)
    assert master["amount"].sum() == pytest.approx(2_500_315.63, abs=0.01)
    assert (master["date"].min(), master["date"].max()) == (pd.Timestamp("1997-01-01"),
                                                            pd.Timestamp("1998-06-30"))


def test_cdnow_files_are_the_shared_originals(root):
    card = _card(root)
    for path in (root / "datasets" / "cdnow").glob("*.txt"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in card


def test_data_card_row_and_customer_counts_are_the_real_ones(root):
    card = _card(root)
    for name in datasets.available():
        frame = datasets.load(name)
        row = next(line for line in card.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| {len(frame):,} |" in row
        if "customer_id" in frame.columns:
            assert row.rstrip().endswith(f"| {frame['customer_id'].nunique():,} |")


def test_data_card_states_the_shops_true_parameters(root):
    assert parameters_markdown() in _card(root)


def test_an_unknown_data_set_name_is_a_clear_error():
    with pytest.raises(InputError, match="available: cdnow"):
        datasets.load("cdnow_full")


def test_shop_files_regenerate_byte_for_byte(root, tmp_path):
    write_shop(tmp_path)
    for filename in FILES.values():
        assert (tmp_path / filename).read_bytes() == (root / "datasets" / "shop" / filename).read_bytes(), filename


def test_shop_is_a_few_megabytes_at_most(root):
    size = sum(p.stat().st_size for p in (root / "datasets" / "shop").iterdir())
    assert size < 4_000_000


def test_shop_has_customers_in_three_countries_with_their_currencies():
    customers = datasets.load("shop_customers")
    assert customers["country"].value_counts().to_dict() == TRUE_PARAMETERS["customers_per_country"]
    assert set(zip(customers["country"], customers["currency"])) == {("DE", "EUR"), ("IT", "EUR"),
                                                                      ("DK", "DKK")}


def test_shop_danish_prices_are_in_kroner_at_the_stated_rate():
    danish = datasets.load("shop").query("country == 'DK' and amount > 0")
    ratio = danish["local_amount"] / danish["amount"]
    assert ratio.between(7.44, 7.48).all()


def test_shop_refunds_are_flagged_negative_copies_of_their_orders():
    shop = datasets.load("shop")
    refunds = shop[shop["is_refund"]]
    originals = shop[~shop["is_refund"]].set_index("order_id").loc[refunds["order_id"]]
    assert (refunds["amount"].to_numpy() == -originals["amount"].to_numpy()).all()
    assert (refunds["date"].to_numpy() > originals["date"].to_numpy()).all()


def test_shop_margins_are_the_true_rates_per_sales_channel():
    orders = datasets.load("shop").query("not is_refund and amount > 0")
    rates = (orders.groupby("sales_channel")["gross_margin"].sum()
             / orders.groupby("sales_channel")["amount"].sum())
    expected = TRUE_PARAMETERS["gross_margin_rate"]
    assert rates["own_shop"] == pytest.approx(expected["own_shop"], abs=1e-3)
    assert rates["marketplace"] == pytest.approx(expected["marketplace"], abs=1e-3)


def test_shop_marketing_spend_recovers_the_true_cac_per_channel():
    cac = metrics.acquisition_cost_by_channel(datasets.load("shop_marketing"),
                                              datasets.load("shop_customers"))["cac"]
    for channel, truth in TRUE_PARAMETERS["channels"].items():
        assert cac[channel] == pytest.approx(truth["cac_eur"], rel=0.06), channel


def test_shop_mean_order_value_is_near_its_true_mean():
    orders = datasets.load("shop").query("not is_refund and amount > 0")
    spend = TRUE_PARAMETERS["spend"]
    assert orders["amount"].mean() == pytest.approx(spend["p"] * spend["gamma"] / (spend["q"] - 1),
                                                    rel=0.1)


def test_installed_copies_find_the_data_next_to_the_package(monkeypatch, tmp_path):
    (tmp_path / "_datasets" / "cdnow").mkdir(parents=True)
    monkeypatch.setattr(datasets, "_PACKAGE_DIR", tmp_path)
    assert datasets.datasets_dir() == tmp_path / "_datasets"
    assert re.search("datasets", str(datasets.datasets_dir()))


@pytest.mark.parametrize("call, words", [
    (lambda: datasets.load(["shop"]), "text such as 'shop', not a list"),
    (lambda: datasets.load("shop", seed="abc"), "whole number such as 42, not 'abc'"),
    (lambda: datasets.load("shop", seed=1.5), "not 1.5"),
])
def test_a_misused_argument_of_load_is_one_sentence(call, words):
    with pytest.raises(InputError) as info:
        call()
    assert words in str(info.value) and "\n" not in str(info.value)


def test_a_data_seed_that_is_not_a_whole_number_is_refused(monkeypatch):
    monkeypatch.setenv(datasets.SEED_VARIABLE, "abc")
    with pytest.raises(InputError, match="CLV_COURSE_DATA_SEED is 'abc'"):
        datasets.load("shop")
    monkeypatch.setenv(datasets.SEED_VARIABLE, "42")
    assert datasets.data_seed() == 42


def test_quantities_are_whole_numbers_and_ids_keep_their_type_in_every_data_set():
    for name, id_kind in (("cdnow", "i"), ("cdnow_sample", "i"), ("shop", "O")):
        frame = datasets.load(name)
        assert frame["quantity"].dtype == "int64", name
        assert (frame["customer_id"].dtype.kind == "i") == (id_kind == "i"), name
