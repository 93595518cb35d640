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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_decision_from_another_session_inside_the_window_survives(settings, monkeypatch):
    """The same window, with the reviewer in a session of its own (a real second connection
    on PostgreSQL), deciding while the run holds its stale read."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: make test-postgres")
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from industrybrain.enterprises.models import District, Enterprise
    from industrybrain.enterprises.reference import load_reference
    from industrybrain.policies.models import Run

    load_reference()
    settings.IB_JOBS = "inline"
    reviewer = get_user_model().objects.create_user("r2")
    from industrybrain.accounts.models import Profile

    Profile.objects.create(user=reviewer, role="reviewer")
    e = Enterprise.objects.create(uscc="91320412MA0000001X", name="常州测试机械有限公司",
                                  district=District.objects.get(code="wujin"),
                                  industry_code="C3484", ownership="private")
    for year, revenue in ((2021, 90), (2022, 150)):
        AnnualFigures.objects.create(enterprise=e, year=year, revenue=revenue * 10**8,
                                     industrial_output=revenue * 10**8, rd_spending=5 * 10**8,
                                     local_contribution=6 * 10**8, energy_tce=Decimal("1000"),
                                     above_scale=True)
    first = runs.execute(runs.start(2022).pk)
    assert first.status == "done", first.error
    award = Award.objects.get(enterprise=e, policy_id="dengfeng")
    AnnualFigures.objects.filter(enterprise=e, year=2022).update(rd_spending=10**8)

    def reject_elsewhere(run, phase, index):
        def other():
            try:
                ledger.reject(award.pk, reviewer, "另一会话驳回")
            finally:
                connection.close()

        t = threading.Thread(target=other)
        t.start()
        t.join()

    monkeypatch.setattr(runs, "chunk_hook", reject_elsewhere)
    run = runs.execute(runs.start(2022).pk)
    award.refresh_from_db()
    assert run.status == "done" and Run.objects.get(pk=run.pk).counts["kept_rejected"] == 1
    assert award.status == "rejected" and award.amount_yuan == 2_000_000


def test_a_key_an_application_took_since_the_read_is_skipped_and_the_rest_stored(
        year2022, monkeypatch):
    """Between the run's read and its insert, A's award is taken by an application and C
    already has its award message: the insert skips exactly those (PostgreSQL: the chunk's
    COPY meets the taken key and goes the slower way), stores the rest, and counts what
    it wrote."""
    from industrybrain.policies.models import Message

    a, c = year2022["a"], year2022["c"]

    def take_a(run, phase, index):
        if phase == "create" and index == 0:
            Award.objects.create(enterprise=a, policy_id="dengfeng", year=2022,
                                 source="application", status="awaiting_second",
                                 amount_yuan=1_000_000, budget_line="policy_funds")
            Message.objects.create(enterprise=c, kind="award", policy_id="dengfeng",
                                   year=2022, title="已有", body="已有")

    run = _run_with(take_a, monkeypatch)
    mine = Award.objects.filter(policy_id="dengfeng", year=2022)
    assert list(mine.filter(enterprise=a).values_list("source", "amount_yuan")) == [
        ("application", 1_000_000)]
    assert mine.filter(enterprise=c, source="run", status="proposed").count() == 1
    assert mine.filter(enterprise=year2022["b"], status="amount_pending").count() == 1
    assert run.counts["kept_application"] == 1
    assert run.counts["created"] == Award.objects.filter(run=run).count()
    # No run message for A (not its award), C's message left as it was, one count for both.
    assert not Message.objects.filter(enterprise=a, kind="award").exists()
    assert Message.objects.get(enterprise=c, kind="award", policy_id="dengfeng").title == "已有"
    assert run.counts["messages"] == Message.objects.exclude(title="已有").count()
