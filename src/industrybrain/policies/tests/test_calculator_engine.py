"""The calculator reads the one-firm interpreter; its rows are the batch's rows for the
enterprise (every explanation and input), so the page says what a run would propose."""

import pytest

from industrybrain.engine import evaluate
from industrybrain.policies import calculator, catalogue, snapshot

pytestmark = pytest.mark.django_db


def _batch(pack, year, snap):
    return evaluate(pack, year, *snap.tables, explain="all",
                    data_since=snap.data_since).to_pylist()


def test_the_calculator_rows_are_the_batch_rows(year2022):
    pack = catalogue.pack()
    for enterprise in year2022.values():
        snap = calculator.snapshot_of(enterprise.pk)[0]
        for year in (2022, 2023):
            assert calculator.evaluate_cached(pack, year, snap) == _batch(pack, year, snap)
        what_if = snapshot.with_changes(snap, enterprise.pk, 2023, {"revenue": 6_000_000},
                                        "little_giant_national")
        assert calculator.evaluate_cached(pack, 2023, what_if) == _batch(pack, 2023, what_if)


def test_the_page_shows_the_interpreters_words(client_as, year2022):
    """B crossed 100亿元 with its R&D unknown: the page names the figure to collect."""
    b = year2022["b"]
    page = client_as("admin").get(f"/policies/calculator/{b.pk}/?year=2022").content.decode()
    assert "需补充2022年研发投入" in page and "登峰计划" in page
