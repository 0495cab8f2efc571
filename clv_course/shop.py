"""The synthetic European online shop: a seeded generative model with known truth.

Customers in Germany, Denmark and Italy are won through four acquisition
channels, each with its own acquisition cost. Each customer then buys as the
BG/NBD model assumes (a Poisson purchase rate drawn from a gamma distribution;
after each repeat purchase a chance of leaving for good, drawn from a beta
distribution whose mean depends on the channel), spends per order as the
Gamma-Gamma model assumes, orders in the own web shop or on a marketplace
(with a lower margin there), and sends some orders back.

Because every parameter is known (:data:`TRUE_PARAMETERS`, also in the data
card), exercises on this data have answers a grader can trust.
``python -m clv_course.shop datasets/shop`` rewrites the committed files; a
test regenerates them and compares byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

TRUE_PARAMETERS: dict = {
    "seed": 20261124,
    "first_acquisition": "2023-01-01",
    "last_acquisition": "2024-12-31",
    "data_end": "2025-12-31",
    "customers_per_country": {"DE": 3000, "IT": 2000, "DK": 1000},
    "currency": {"DE": "EUR", "IT": "EUR", "DK": "DKK"},
    "dkk_per_eur": 7.46,
    # share of new customers, acquisition cost (EUR) and the beta b of the dropout probability
    "channels": {
        "search": {"share": 0.35, "cac_eur": 38.0, "dropout_b": 4.0},
        "social": {"share": 0.30, "cac_eur": 27.0, "dropout_b": 2.5},
        "referral": {"share": 0.15, "cac_eur": 15.0, "dropout_b": 7.0},
        "marketplace": {"share": 0.20, "cac_eur": 9.0, "dropout_b": 3.0},
    },
    # purchase rate per week ~ Gamma(shape r, rate alpha): mean r / alpha = 0.09 per week
    "purchase_rate": {"r": 0.9, "alpha": 10.0},
    # dropout probability after each repeat purchase ~ Beta(a, b of the channel)
    "dropout_a": 1.0,
    # order value in EUR ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate gamma): mean 60 EUR
    "spend": {"p": 6.0, "q": 4.0, "gamma": 30.0},
    "zero_value_share": 0.005,
    "quantity_extra_poisson_mean": 0.6,
    # share of a customer's orders placed on the marketplace, by acquisition channel
    "marketplace_order_share": {"marketplace": 0.7, "other": 0.15},
    "gross_margin_rate": {"own_shop": 0.42, "marketplace": 0.27},
    "return_rate": {"DE": 0.12, "DK": 0.08, "IT": 0.06},
    "return_days": [3, 21],
    "marketing_spend_noise_sigma": 0.15,
}


def _day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def generate_shop(parameters: dict = TRUE_PARAMETERS) -> dict[str, pd.DataFrame]:
    """Simulate the shop: ``{"customers", "transactions", "marketing_spend"}`` tables."""
    P = parameters
    rng = np.random.default_rng(P["seed"])
    start, last_acq, end = (_day(P[k]) for k in ("first_acquisition", "last_acquisition",
                                                   "data_end"))
    channels = list(P["channels"])
    shares = np.array([P["channels"][c]["share"] for c in channels])
    countries = [c for c, n in P["customers_per_country"].items() for _ in range(n)]
    countries = [countries[i] for i in rng.permutation(len(countries))]
    acquisition_days = int((last_acq - start).astype(int)) + 1
    horizon = int((end - start).astype(int))

    customer_rows, order_rows = [], []
    for number, country in enumerate(countries, start=1):
        customer_id = f"C{number:05d}"
        channel = channels[rng.choice(len(channels), p=shares)]
        first = int(rng.integers(acquisition_days))
        rate = rng.gamma(P["purchase_rate"]["r"], 1.0 / P["purchase_rate"]["alpha"])
        dropout = rng.beta(P["dropout_a"], P["channels"][channel]["dropout_b"])
        nu = rng.gamma(P["spend"]["q"], 1.0 / P["spend"]["gamma"])
        marketplace_share = P["marketplace_order_share"][
            "marketplace" if channel == "marketplace" else "other"]
        customer_rows.append((customer_id, country, P["currency"][country], channel,
                              start + np.timedelta64(first, "D")))
        days, weeks = [first], first / 7.0
        while True:  # BG/NBD: exponential gaps until the data end or dropout after a repeat
            weeks += rng.exponential(1.0 / rate)
            day = int(weeks * 7.0)
            if day > horizon:
                break
            days.append(day)
            if rng.random() < dropout:
                break
        for day in days:
            value = 0.0 if rng.random() < P["zero_value_share"] else rng.gamma(P["spend"]["p"],
                                                                                1.0 / nu)
            on_marketplace = rng.random() < marketplace_share
            quantity = 1 + int(rng.poisson(P["quantity_extra_poisson_mean"]))
            returned = rng.random() < P["return_rate"][country]
            return_after = int(rng.integers(P["return_days"][0], P["return_days"][1] + 1))
            order_rows.append((customer_id, day, on_marketplace, quantity, value, country,
                               returned, return_after))

    customers = pd.DataFrame(customer_rows, columns=["customer_id", "country", "currency",
                                                     "acquisition_channel", "first_purchase"])
    orders = pd.DataFrame(order_rows, columns=["customer_id", "day", "on_marketplace", "quantity",
                                               "value", "country", "returned", "return_after"])
    orders = orders.sort_values(["day", "customer_id"], kind="stable").reset_index(drop=True)
    orders["order_id"] = [f"O{i:06d}" for i in range(1, len(orders) + 1)]
    fx = np.where(orders["country"] == "DK", P["dkk_per_eur"], 1.0)
    amount = orders["value"].round(2)
    margin_rate = np.where(orders["on_marketplace"], P["gross_margin_rate"]["marketplace"],
                           P["gross_margin_rate"]["own_shop"])
    sales = pd.DataFrame({
        "order_id": orders["order_id"],
        "customer_id": orders["customer_id"],
        "date": start + orders["day"].to_numpy().astype("timedelta64[D]"),
        "sales_channel": np.where(orders["on_marketplace"], "marketplace", "own_shop"),
        "quantity": orders["quantity"],
        "amount": amount,
        "gross_margin": (amount * margin_rate).round(2),
        "local_amount": (amount * fx).round(2),
        "currency": np.where(orders["country"] == "DK", "DKK", "EUR"),
        "is_refund": False,
    })
    returned = orders["returned"].to_numpy() & (
        (orders["day"] + orders["return_after"]).to_numpy() <= horizon) & (amount.to_numpy() > 0)
    refunds = sales[returned].copy()
    refunds["date"] = refunds["date"] + pd.to_timedelta(orders.loc[returned, "return_after"],
                                                        unit="D").to_numpy()
    for column in ("quantity", "amount", "gross_margin", "local_amount"):
        refunds[column] = -refunds[column]
    refunds["is_refund"] = True
    transactions = (pd.concat([sales, refunds], ignore_index=True)
                    .sort_values(["date", "order_id", "is_refund"], kind="stable")
                    .reset_index(drop=True))

    customers["month"] = pd.to_datetime(customers["first_purchase"]).dt.strftime("%Y-%m")
    won = customers.groupby(["month", "acquisition_channel"]).size()
    months = pd.period_range(P["first_acquisition"], P["last_acquisition"], freq="M").strftime("%Y-%m")
    grid = pd.MultiIndex.from_product([months, channels], names=["month", "channel"])
    won = won.reindex(grid, fill_value=0)
    cac = np.array([P["channels"][c]["cac_eur"] for _m, c in grid])
    noise = rng.lognormal(0.0, P["marketing_spend_noise_sigma"], size=len(grid))
    marketing = pd.DataFrame({"month": grid.get_level_values(0), "channel": grid.get_level_values(1),
                              "spend": (won.to_numpy() * cac * noise).round(2)})
    customers = customers.drop(columns="month")
    return {"customers": customers, "transactions": transactions, "marketing_spend": marketing}


FILES = {"customers": "customers.csv", "transactions": "transactions.csv",
         "marketing_spend": "marketing_spend.csv"}


def write_shop(folder: str | Path, parameters: dict = TRUE_PARAMETERS) -> list[Path]:
    """Generate the shop and write its three CSV files into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate_shop(parameters).items():
        path = folder / FILES[name]
        frame.to_csv(path, index=False, lineterminator="\n", date_format="%Y-%m-%d",
                     float_format="%.2f")
        written.append(path)
    return written


def parameters_markdown(parameters: dict = TRUE_PARAMETERS) -> str:
    """The channel table of the data card, generated so it cannot drift from the code."""
    lines = ["| channel | share of new customers | CAC (EUR) | dropout Beta(a, b) | "
             "mean dropout per repeat purchase |", "|---|---|---|---|---|"]
    a = parameters["dropout_a"]
    for name, c in parameters["channels"].items():
        lines.append(f"| {name} | {c['share']:.2f} | {c['cac_eur']:.2f} | "
                     f"Beta({a:g}, {c['dropout_b']:g}) | {a / (a + c['dropout_b']):.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - exercised by the regeneration test
    for written_path in write_shop(sys.argv[1] if len(sys.argv) > 1 else "datasets/shop"):
        print(written_path)
