"""Decisions are final unless a person reopens them (issue 10.1): a decision taken between a
run's read and its write survives. The run's chunk hook opens the window deterministically:
it is called after the run read the existing awards and before each write."""

import pytest

from industrybrain.enterprises.models import AnnualFigures
from industrybrain.policies import jobs, ledger, runs
from industrybrain.policies.models import Award, LedgerEntry

pytestmark = pytest.mark.django_db


def _run_with(hook, monkeypatch):
    monkeypatch.setattr(runs, "chunk_hook", hook)
    run = runs.start(2022)
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


@pytest.fixture
def changed(proposed, year2022):
    """A, B and C proposed; then the figures change so that a re-run would rewrite A and C
    (lower R&D: a lower score) and withdraw nothing."""
    AnnualFigures.objects.filter(enterprise__in=[year2022["a"], year2022["c"]], year=2022).update(
        rd_spending=10**8)
    return proposed


def test_a_rejection_during_the_run_is_not_overwritten(changed, users, monkeypatch):
    c = changed["c"]

    def reject_c(run, phase, index):
        if phase == "update":
            ledger.reject(c.pk, users["reviewer"], "材料不实")

    run = _run_with(reject_c, monkeypatch)
    c.refresh_from_db()
    assert c.status == "rejected" and c.amount_yuan == 2_000_000 and c.reason == "材料不实"
    assert run.counts["updated"] == 1 and run.counts["kept_decided"] == 1
    assert run.counts["kept_rejected"] == 1
    assert Award.objects.get(pk=changed["a"].pk).amount_yuan < 2_000_000  # the open one moved


def test_a_payment_during_the_run_keeps_its_amount_and_status(changed, users, monkeypatch):
    a = changed["a"]

    def pay_a(run, phase, index):
        if phase == "update":
            ledger.approve(a.pk, users["reviewer"])

    run = _run_with(pay_a, monkeypatch)
    a.refresh_from_db()
    entry = LedgerEntry.objects.get(award=a)
    assert a.status == "paid" and a.amount_yuan == entry.amount_yuan == 2_000_000
    assert run.counts["kept_paid"] == 1
    # A third run sees it decided from the start, and still leaves it alone.
    monkeypatch.setattr(runs, "chunk_hook", None)
    again = runs.start(2022)
    jobs.enqueue(again.pk)
    again.refresh_from_db()
    assert again.counts["kept_paid"] == 1
    assert Award.objects.get(pk=a.pk).status == "paid"


def test_a_hold_during_a_withdrawal_is_not_withdrawn(proposed, year2022, users, monkeypatch):
    c = proposed["c"]
    AnnualFigures.objects.filter(enterprise=year2022["c"], year=2022).update(revenue=50 * 10**8)

    def hold_c(run, phase, index):
        if phase == "withdraw":
            ledger.hold(c.pk, users["reviewer"], "待核实")

    run = _run_with(hold_c, monkeypatch)
    c.refresh_from_db()
    assert c.status == "held" and c.amount_yuan == 2_000_000
    assert run.counts["withdrawn"] == 0


def test_a_re_run_reports_what_it_left_alone_and_why(proposed, users, client_as):
    ledger.approve(proposed["a"].pk, users["reviewer"])
    ledger.reject(proposed["c"].pk, users["reviewer"], "不符合")
    run = runs.start(2022)
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.counts["kept_decided"] == 2
    assert run.counts["kept_paid"] == 1 and run.counts["kept_rejected"] == 1
    page = client_as("admin").get(f"/policies/runs/{run.pk}/").content.decode()
    assert "已有决定，未改动" in page and "kept_decided" not in page
