"""Real concurrency on PostgreSQL: reviewers approving at the same moment, in separate
connections, never pay twice nor past a budget."""

import threading

import pytest
from django.db import connection

from industrybrain.policies import ledger
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, Budget, LedgerEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_again(transactional_db):
    # A transactional test ends with a flush, reference data included: load it again.
    from industrybrain.enterprises.reference import load_reference

    load_reference()


def _race(n, fn):
    barrier = threading.Barrier(n)
    outcomes = []

    def worker(i):
        try:
            barrier.wait()
            outcomes.append(fn(i))
        except Refused as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _award(enterprise, amount, tier):
    return Award.objects.create(enterprise=enterprise, policy_id="dengfeng", year=2022,
                                tier=tier, amount_yuan=amount, budget_line="policy_funds",
                                pack_id="changzhou_2022")


def test_eight_reviewers_click_approve_at_once_one_payment(city, users):
    award = _award(city["a"], 2_000_000, "over_100yi")
    approvers = [users["reviewer"], users["admin"]]
    outcomes = _race(8, lambda i: ledger.approve(award.pk, approvers[i % 2]))
    assert outcomes.count("paid") == 1
    assert LedgerEntry.objects.filter(award=award).count() == 1


def test_concurrent_approvals_never_pass_the_budget(city, users):
    Budget.objects.create(policy_id="dengfeng", year=2022, amount_yuan=5_000_000)
    awards = [_award(e, 2_000_000, f"t{i}") for i, e in enumerate(city.values())]
    outcomes = _race(4, lambda i: ledger.approve(awards[i].pk, users["reviewer"]))
    assert outcomes.count("paid") == 2
    assert sum(LedgerEntry.objects.values_list("amount_yuan", flat=True)) == 4_000_000
    assert all("预算" in o for o in outcomes if o != "paid")
