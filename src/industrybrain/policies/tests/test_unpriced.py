"""Awards the engine could not price: "amount pending" (qualifies; figures for the amount
are missing) and "invalid data" (a value breaks the data contract). Both are stored for a
reviewer, carry no money, are never paid, and a re-run that prices them turns them into
proposals."""

import pyarrow as pa
import pytest
from django.db import IntegrityError, transaction

from industrybrain.policies import catalogue, ledger, runs, snapshot
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, LedgerEntry, Run

pytestmark = pytest.mark.django_db


def _result(rows):
    from industrybrain.engine.backends.duckdb import RESULT_SCHEMA

    full = [{"year": 2022, "tier": None, "amount_yuan": None, "cap_bound": None,
             "explanation_zh": "说明", "explanation_en": "why", "inputs": "{}", **r}
            for r in rows]
    return pa.Table.from_pylist(full, schema=RESULT_SCHEMA)


def _store(rows):
    run = Run.objects.create(pack_id=catalogue.pack_id(), year=2022, status="done")
    return run, runs.store(run, catalogue.pack(), _result(rows), snapshot.take())


def test_amount_pending_and_invalid_data_are_stored_without_money_and_never_paid(city, users):
    a, b = city["a"].pk, city["b"].pk
    _run, counts = _store([
        {"enterprise_id": a, "policy_id": "dengfeng", "status": "amount_pending"},
        {"enterprise_id": b, "policy_id": "dengfeng", "status": "invalid_data"}])
    assert counts["amount_pending"] == 1 and counts["invalid_data"] == 1
    assert counts["proposed_yuan"] == 0
    pending = Award.objects.get(enterprise_id=a, policy_id="dengfeng")
    invalid = Award.objects.get(enterprise_id=b, policy_id="dengfeng")
    assert pending.status == "amount_pending" and pending.amount_yuan is None
    assert invalid.status == "invalid_data" and invalid.amount_yuan is None
    for award in (pending, invalid):
        with pytest.raises(Refused):
            ledger.approve(award.pk, users["reviewer"])
    assert not LedgerEntry.objects.exists()


def test_the_database_refuses_money_on_an_unpriced_award(city):
    _store([{"enterprise_id": city["a"].pk, "policy_id": "dengfeng", "status": "amount_pending"}])
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(policy_id="dengfeng").update(amount_yuan=2_000_000)


def test_a_rerun_that_prices_a_pending_award_turns_it_into_a_proposal(city):
    a = city["a"].pk
    _store([{"enterprise_id": a, "policy_id": "dengfeng", "status": "amount_pending"}])
    _run, counts = _store([{"enterprise_id": a, "policy_id": "dengfeng", "status": "eligible",
                            "tier": "over_100yi", "amount_yuan": 2_000_000, "cap_bound": False}])
    assert counts["proposed_yuan"] == 2_000_000
    awards = Award.objects.filter(enterprise_id=a, policy_id="dengfeng").exclude(
        status="withdrawn")
    assert [(w.status, w.amount_yuan) for w in awards] == [("proposed", 2_000_000)]
