"""Imports merge, never overwrite, and one runs at a time (issue 10, findings 3 and 7).

The "other party" (an officer's edit, a second import, an approval-like write) runs in its
own thread and database connection, at a deterministic moment: the import's chunk hook,
between the check and the final transaction. Each test runs on SQLite (`make test`) and on
PostgreSQL (`make test-postgres`).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone, translation

from industrybrain.core.models import AuditEvent, ImportBatch
from industrybrain.enterprises.imports import import_bytes
from industrybrain.enterprises.models import AnnualFigures, Enterprise, ImportLock, StagedFigures
from industrybrain.enterprises.tests.test_imports import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)

BUSY = "另一个导入正在进行"
CHANGED = "已被其他导入或人员修改"


@pytest.fixture(autouse=True)
def _reference_again(transactional_db):
    # A transactional test ends with a flush, reference data included: load it again.
    from industrybrain.enterprises.reference import load_reference

    load_reference()


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def in_another_connection(work):
    """Run ``work`` in a thread with its own connection; return its result or raise its error."""
    out = {}

    def run():
        try:
            out["result"] = work()
        except BaseException as exc:  # handed back to the test
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the other connection was blocked by the import"
    if "error" in out:
        raise out["error"]
    return out.get("result")


def once(action):
    """A chunk hook that runs ``action`` in another connection the first time only."""
    done = []

    def hook():
        if not done:
            done.append(in_another_connection(action))

    hook.results = done
    return hook


def figures_file(city, header, values):
    rows = [[city[key].uscc, 2021, value] for key, value in zip("abcd", values, strict=True)]
    return csv_bytes(["统一社会信用代码", "年份", header], rows)


def stored(city, column):
    return [getattr(AnnualFigures.objects.get(enterprise=city[k], year=2021), column) for k in "abcd"]


def officer_sets(city, column, value, keys="abcd"):
    def edit():
        for key in keys:
            row = AnnualFigures.objects.get(enterprise=city[key], year=2021)
            setattr(row, column, value)
            row.save()  # with history, as the admin saves

    return edit


def test_an_import_of_tax_and_an_edit_of_rd_to_the_same_rows_both_stand(city, users):
    hook = once(officer_sets(city, "rd_spending", 777_0000))
    data = figures_file(city, "税收（万元）", ["100", "200", "300", "400"])
    report = import_bytes("figures", "税收.csv", data, users["admin"], on_chunk=hook)
    assert hook.results and report.applied and report.updated == 4, report.rejects
    assert stored(city, "tax") == [1_000_000, 2_000_000, 3_000_000, 4_000_000]
    assert stored(city, "rd_spending") == [777_0000] * 4  # the edit was not overwritten
    assert not StagedFigures.objects.exists()


def test_an_edit_of_the_same_column_since_the_check_refuses_the_whole_file(city, users):
    before_revenue = stored(city, "revenue")
    hook = once(officer_sets(city, "tax", 123_0000, keys="b"))
    data = figures_file(city, "税收（万元）", ["100", "200", "300", "400"])
    report = import_bytes("figures", "税收.csv", data, users["admin"], on_chunk=hook)
    assert not report.applied
    assert [(r.row, CHANGED in r.reason) for r in report.rejects] == [(3, True)]
    assert CHANGED in report.summary()
    # Nothing of the file was written; the officer's value stands.
    assert stored(city, "tax") == [None, 123_0000, None, None]
    assert stored(city, "revenue") == before_revenue
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert not batch.applied and batch.rejected == 1
    assert not StagedFigures.objects.exists()
    # Loaded again, it sees the new value and applies.
    again = import_bytes("figures", "税收.csv", data, users["admin"])
    assert again.applied and stored(city, "tax") == [1_000_000, 2_000_000, 3_000_000, 4_000_000]


def test_a_row_created_since_the_check_refuses_the_file(city, users):
    def create():
        AnnualFigures.objects.create(enterprise=city["a"], year=2022, revenue=5)

    hook = once(create)
    data = csv_bytes(["统一社会信用代码", "年份", "营业收入（万元）"], [[city["a"].uscc, 2022, "100"]])
    report = import_bytes("figures", "新.csv", data, users["admin"], on_chunk=hook)
    assert not report.applied and report.rejects[0].row == 2
    assert AnnualFigures.objects.get(enterprise=city["a"], year=2022).revenue == 5


def test_a_second_import_of_the_kind_is_refused_while_one_runs_and_nothing_is_lost(city, users):
    tax = figures_file(city, "税收（万元）", ["100", "200", "300", "400"])
    rd = figures_file(city, "研发投入（万元）", ["10", "20", "30", "40"])
    hook = once(lambda: import_bytes("figures", "研发.csv", rd, users["reviewer"]))
    first = import_bytes("figures", "税收.csv", tax, users["admin"], on_chunk=hook)
    second = hook.results[0]
    assert first.applied
    assert not second.applied and BUSY in second.rejects[0].reason and "admin" in second.rejects[0].reason
    assert ImportBatch.objects.filter(filename="研发.csv", applied=False, rejected=1).exists()
    # Refused, never lost: sent again when the first is done, it lands beside it.
    assert import_bytes("figures", "研发.csv", rd, users["reviewer"]).applied
    assert stored(city, "tax") == [1_000_000, 2_000_000, 3_000_000, 4_000_000]
    assert stored(city, "rd_spending") == [100_000, 200_000, 300_000, 400_000]


def test_imports_of_different_kinds_run_side_by_side(city, users):
    from industrybrain.enterprises.imports import KINDS

    headers = KINDS["designations"].headers()
    grants = csv_bytes(headers, [[city["b"].uscc, "高新技术企业", "2021-11-30", "", ""]])
    hook = once(lambda: import_bytes("designations", "认定.csv", grants, users["reviewer"]))
    tax = figures_file(city, "税收（万元）", ["100", "200", "300", "400"])
    assert import_bytes("figures", "税收.csv", tax, users["admin"], on_chunk=hook).applied
    assert hook.results[0].applied, hook.results[0].rejects


def test_an_enterprise_edited_since_the_check_refuses_the_enterprise_file(city, users, monkeypatch):
    from industrybrain.enterprises.imports import KINDS
    from industrybrain.enterprises.imports.enterprise_rows import EnterpriseSpec

    real_check = EnterpriseSpec.check

    def check_then_officer_edits(self, records, rejects):
        real_check(self, records, rejects)
        in_another_connection(lambda: Enterprise.objects.filter(pk=city["a"].pk).update(ownership="state"))

    monkeypatch.setattr(EnterpriseSpec, "check", check_then_officer_edits)
    headers = KINDS["enterprises"].headers()
    row = [city["a"].uscc, city["a"].name, "武进区", "C3484", "外资", "", "", "", ""]
    report = import_bytes("enterprises", "企业.csv", csv_bytes(headers, [row]), users["admin"])
    assert not report.applied and CHANGED in report.rejects[0].reason
    assert Enterprise.objects.get(pk=city["a"].pk).ownership == "state"


def test_an_enterprise_file_changes_only_the_fields_it_carries(city, users, monkeypatch):
    from industrybrain.enterprises.imports import KINDS
    from industrybrain.enterprises.imports.enterprise_rows import EnterpriseSpec

    real_check = EnterpriseSpec.check

    def check_then_officer_edits(self, records, rejects):
        real_check(self, records, rejects)
        in_another_connection(lambda: Enterprise.objects.filter(pk=city["a"].pk).update(is_listed=True))

    monkeypatch.setattr(EnterpriseSpec, "check", check_then_officer_edits)
    headers = KINDS["enterprises"].headers()
    row = [city["a"].uscc, city["a"].name, "武进区", "C3484", "外资", "", "", "", ""]
    report = import_bytes("enterprises", "企业.csv", csv_bytes(headers, [row]), users["admin"])
    assert report.applied and report.updated == 1, report.rejects
    a = Enterprise.objects.get(pk=city["a"].pk)
    assert a.ownership == "foreign" and a.is_listed  # the officer's 上市 stands


def test_a_write_during_an_import_goes_through_before_it_finishes(city, users):
    """An approval writes an audit event and an award; any such write gets in between the
    import's chunks instead of waiting for the import (on SQLite: for the write lock; on
    PostgreSQL: for row locks), and it commits before the import does."""

    def approval_like_write():
        with transaction.atomic():
            AuditEvent.objects.create(username="reviewer", action="approve", object_type="award")
            Enterprise.objects.filter(pk=city["c"].pk).update(is_listed=True)
            AnnualFigures.objects.filter(enterprise=city["a"], year=2021).update(employees=99)
        return ImportBatch.objects.filter(filename="税收.csv", applied=True).exists()

    hook = once(approval_like_write)
    data = figures_file(city, "税收（万元）", ["100", "200", "300", "400"])
    assert import_bytes("figures", "税收.csv", data, users["admin"], on_chunk=hook).applied
    assert hook.results == [False]  # the write had committed; the import had not yet
    assert AnnualFigures.objects.get(enterprise=city["a"], year=2021).employees == 99
    assert stored(city, "tax") == [1_000_000, 2_000_000, 3_000_000, 4_000_000]


def test_a_dead_imports_lock_passes_on_only_when_its_heartbeat_is_stale(city, users, settings):
    settings.IMPORT_LOCK_STALE_SECONDS = 60
    data = figures_file(city, "税收（万元）", ["1", "2", "3", "4"])
    now = timezone.now()
    ImportLock.objects.update_or_create(kind="figures", defaults={
        "token": "x" * 32, "holder": "killed-host:4242", "started_at": now, "heartbeat_at": now})
    StagedFigures.objects.create(batch_id=999_999, row=2, enterprise_id=city["a"].pk, year=2021)
    refused = import_bytes("figures", "税收.csv", data, users["admin"])
    assert not refused.applied and BUSY in refused.rejects[0].reason
    assert "killed-host:4242" in refused.rejects[0].reason
    ImportLock.objects.filter(kind="figures").update(heartbeat_at=now - timedelta(seconds=61))
    report = import_bytes("figures", "税收.csv", data, users["admin"])
    assert report.applied, report.rejects
    assert not StagedFigures.objects.exists()  # the dead import's leftovers are gone
    assert ImportLock.objects.get(kind="figures").token == ""  # released
