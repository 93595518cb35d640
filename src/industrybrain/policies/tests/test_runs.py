"""Batch runs: proposals with explanation and citation; idempotent re-runs; insufficient
data never pays zero; an invalid pack cannot run; one active run per year."""

import pytest

from industrybrain.policies import jobs, ledger, liveness, runs
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, LedgerEntry, Message, Run

pytestmark = pytest.mark.django_db


def _run(user=None):
    run = runs.start(2022, user)
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    return run


def test_a_run_proposes_what_the_engine_finds_with_its_reasons(proposed):
    a = proposed["a"]
    assert a.status == "proposed" and a.amount_yuan == 2_000_000 and a.tier == "over_100yi"
    assert "100亿元" in a.explanation_zh and a.citation["seed"].endswith(".txt")
    assert a.pack_id == "changzhou_2022" and a.pack_version
    assert a.inputs["revenue"] == 150 * 10**8
    # D has no 2022 figures at all: not "no award", but "we cannot tell".
    assert proposed["d"].status == "insufficient_data" and proposed["d"].amount_yuan is None


def test_insufficient_data_is_marked_never_paid_as_zero(proposed, users):
    d = proposed["d"]
    assert d.status == "insufficient_data" and d.amount_yuan is None
    assert "数据不足" in d.explanation_zh
    with pytest.raises(Refused, match="数据不足"):
        ledger.approve(d.pk, users["reviewer"])
    assert not LedgerEntry.objects.exists()


def test_qualifying_without_the_amounts_figures_is_amount_pending_not_insufficient(proposed,
                                                                                  users):
    # B first passed 100亿元 but its R&D is unknown: "collect this figure, then pay", which a
    # reviewer must be able to tell from "we do not know whether it qualifies" (D).
    b = proposed["b"]
    assert b.status == "amount_pending" and b.amount_yuan is None and b.tier == "over_100yi"
    assert "需补充2022年研发投入" in b.explanation_zh and "R&D spending for 2022" in b.explanation_en
    with pytest.raises(Refused, match="金额待定"):
        ledger.approve(b.pk, users["reviewer"])
    assert not LedgerEntry.objects.exists()


def test_running_again_updates_never_duplicates_never_reproposes_paid(proposed, users, year2022):
    from industrybrain.enterprises.models import AnnualFigures

    ledger.approve(proposed["a"].pk, users["reviewer"])
    before = Award.objects.count()
    # C's data change: its score drops, so its open proposal is updated in place.
    AnnualFigures.objects.filter(enterprise=year2022["c"], year=2022).update(rd_spending=10**8)
    run = _run(users["admin"])
    assert run.counts["created"] == 0 and run.counts["updated"] == 1
    assert run.counts["kept_decided"] == 1
    assert Award.objects.count() == before
    a = Award.objects.get(pk=proposed["a"].pk)
    assert a.status == "paid" and LedgerEntry.objects.filter(award=a).count() == 1
    assert Award.objects.get(pk=proposed["c"].pk).amount_yuan < 2_000_000


def test_an_award_no_longer_found_is_withdrawn(proposed, year2022, users):
    from industrybrain.enterprises.models import AnnualFigures

    AnnualFigures.objects.filter(enterprise=year2022["c"], year=2022).update(revenue=50 * 10**8)
    run = _run(users["admin"])
    assert run.counts["withdrawn"] == 1
    c = Award.objects.get(pk=proposed["c"].pk)
    assert c.status == "withdrawn" and c.amount_yuan is None and "不再符合" in c.reason


def test_a_new_award_is_pushed_once_with_what_and_when(proposed, year2022, users):
    msgs = Message.objects.filter(enterprise=year2022["a"], kind="award")
    assert msgs.count() == 1
    assert "200.00 万元" in msgs[0].title and "直接拨付" in msgs[0].body
    _run(users["admin"])
    assert Message.objects.filter(enterprise=year2022["a"], kind="award").count() == 1


def test_a_runs_count_of_new_messages_is_every_message_it_wrote(year2022, users):
    # Award messages are written with the awards, near-miss messages after: the run's page
    # says how many new messages it wrote, both kinds together.
    assert not Message.objects.exists()
    run = _run(users["admin"])
    assert run.status == "done", run.error
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert "award" in kinds, kinds
    assert run.counts["messages"] == Message.objects.count()


def test_only_one_active_run_per_year(year2022, users):
    runs.start(2022, users["admin"])
    with pytest.raises(runs.RunRefused, match="正在进行"):
        runs.start(2022, users["admin"])


def test_a_run_whose_process_died_frees_the_year(year2022, users):
    Run.objects.create(pack_id="changzhou_2022", year=2022, status="running",
                       worker="nohost-that-exists:1")
    Run.objects.filter(status="running").update(worker=f"{liveness.hostname()}:999999999")
    run = runs.start(2022, users["admin"])
    assert run.status == "queued"
    assert Run.objects.filter(status="failed", error__contains="中断").count() == 1


def test_a_pack_that_fails_validation_cannot_run(year2022, monkeypatch):
    from industrybrain.engine import PackError
    from industrybrain.policies import catalogue

    def broken(pid=None):
        raise PackError("policies/x.yaml:3: tiers: bad")

    monkeypatch.setattr(catalogue, "pack", broken)
    with pytest.raises(runs.RunRefused, match="未通过校验"):
        runs.start(2022)
    assert not Run.objects.exists()


def test_the_cli_evaluates_stores_and_writes_parquet(year2022, tmp_path, capsys):
    import pyarrow.parquet as pq
    from django.core.management import call_command

    out = tmp_path / "results.parquet"
    call_command("evaluate", "--pack", "changzhou_2022", "--year", "2022", "--parquet", str(out))
    assert pq.read_table(out).num_rows > 0
    assert Award.objects.filter(policy_id="dengfeng").count() == 4
    assert "snapshot" in capsys.readouterr().out
    call_command("explain", year2022["a"].uscc, "--year", "2022")
    assert "登峰计划" in capsys.readouterr().out


def test_an_awards_explanation_stays_as_proposed_when_the_figures_change(proposed, client_as):
    """The award says why it was proposed with the figures of the proposal, not today's: the
    text and the values used are kept with the award (issue 12: decide first, explain
    later), so a correction of the enterprise's figures does not rewrite the reasons of an
    award already in review."""
    from industrybrain.enterprises.models import AnnualFigures

    a = proposed["a"]
    before = (a.explanation_zh, a.explanation_en, a.inputs, a.pack_version)
    page_before = client_as("reviewer").get(f"/policies/awards/{a.pk}/").content.decode()
    assert "150亿元" in page_before
    AnnualFigures.objects.filter(enterprise_id=a.enterprise_id, year=2022).update(
        revenue=120 * 10**8, rd_spending=1 * 10**8)
    a.refresh_from_db()
    assert (a.explanation_zh, a.explanation_en, a.inputs, a.pack_version) == before
    page = client_as("reviewer").get(f"/policies/awards/{a.pk}/").content.decode()
    assert "150亿元" in page and "120亿元" not in page


def test_an_award_keeps_the_values_its_words_are_written_from(proposed):
    """A run's award keeps the typed values its rule read: the interpreter of its pack
    writes its explanation and inputs again from them, word for word, after the
    enterprise's figures and designations changed."""
    import json

    from industrybrain.engine.interpret import interpreter
    from industrybrain.enterprises.models import AnnualFigures, Designation
    from industrybrain.policies import catalogue

    a = proposed["a"]
    AnnualFigures.objects.filter(enterprise_id=a.enterprise_id).update(revenue=1)
    Designation.objects.filter(enterprise_id=a.enterprise_id).delete()
    a.refresh_from_db()
    assert a.kept and a.pack_version == catalogue.pack(a.pack_id).version
    again = interpreter(catalogue.pack(a.pack_id), a.year).render(a.policy_id, a.kept)
    assert (again["explanation_zh"], again["explanation_en"], json.loads(again["inputs"])) == (
        a.explanation_zh, a.explanation_en, a.inputs)
    assert again["amount_yuan"] == a.amount_yuan
