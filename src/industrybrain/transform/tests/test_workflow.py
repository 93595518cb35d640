"""A diagnosis from request or batch assignment to an accepted report; every bad input
refused with its reason, and what the database can check checked there too."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industrybrain.transform import workflow
from industrybrain.transform.config import config
from industrybrain.transform.models import (
    AssignmentBatch,
    Diagnosis,
    DimensionScore,
    RecommendedProject,
    Report,
)

from .conftest import GOOD_LEVELS, GOOD_PROJECT

pytestmark = pytest.mark.django_db
ON = dt.date(2022, 4, 1)


def _assigned(programme, firm, provider="mes"):
    d = workflow.request(None, firm, on=dt.date(2022, 3, 20))
    return workflow.assign(None, d, programme["lot"], programme[provider], on=ON)


def test_a_district_batch_assigns_its_manufacturers_to_the_lots_providers(programme, city):
    from industrybrain.enterprises.models import District

    batch = workflow.assign_batch(None, programme["lot"], AssignmentBatch.Basis.DISTRICT,
                                  district=District.objects.get(code="wujin"), on=ON)
    rows = Diagnosis.objects.filter(batch=batch)
    assert {d.enterprise for d in rows} == {city["a"], city["b"]}
    # Both firms are in 高端装备; only the MES provider serves that cluster.
    assert {d.provider for d in rows} == {programme["mes"]}
    assert all(d.status == "assigned" and d.assigned_on == ON for d in rows)
    # The not-yet-diagnosed batch then takes the other two, never the same firm twice.
    rest = workflow.assign_batch(None, programme["lot"], AssignmentBatch.Basis.UNDIAGNOSED, on=ON)
    assert {d.enterprise for d in rest.diagnoses.all()} == {city["c"], city["d"]}
    with pytest.raises(workflow.Refused, match="没有符合条件"):
        workflow.assign_batch(None, programme["lot"], AssignmentBatch.Basis.UNDIAGNOSED, on=ON)


def test_a_batch_stops_at_what_the_budget_buys(programme, city):
    lot = programme["lot"]
    lot.budget_yuan = 90_000  # three diagnoses at 30,000 元
    lot.save()
    batch = workflow.assign_batch(None, lot, AssignmentBatch.Basis.UNDIAGNOSED, on=ON)
    assert batch.size == 3
    with pytest.raises(workflow.Refused, match="只够3次诊断"):
        workflow.assign_batch(None, lot, AssignmentBatch.Basis.UNDIAGNOSED, on=ON)


def test_a_provider_outside_the_lot_is_refused(programme, city):
    d = workflow.request(None, city["a"], on=dt.date(2022, 3, 20))
    with pytest.raises(workflow.Refused) as exc:
        workflow.assign(None, d, programme["lot"], programme["outsider"], on=ON)
    assert "外地未中标服务商" in str(exc.value) and "不是2022年第一批智能化免费诊断的中标服务商" in str(exc.value)
    d.refresh_from_db()
    assert d.status == "requested" and d.provider is None


def test_a_date_outside_the_lots_period_is_refused(programme, city):
    d = workflow.request(None, city["a"], on=dt.date(2022, 1, 5))
    with pytest.raises(workflow.Refused, match="不在.*服务期"):
        workflow.assign(None, d, programme["lot"], programme["mes"], on=dt.date(2023, 1, 2))


def test_a_second_free_diagnosis_in_the_lots_period_is_refused(programme, city):
    from industrybrain.transform.models import ProcurementLot

    _assigned(programme, city["a"])
    with pytest.raises(workflow.Refused, match="已在2022年第一批智能化免费诊断中享受过免费诊断"):
        workflow.request(None, city["a"], on=dt.date(2022, 6, 1))
    # A second lot whose period overlaps the first: the firm diagnosed on 1 April is refused.
    summer = ProcurementLot.objects.create(
        code="2022-02", name="2022年第二批", period_start=dt.date(2022, 3, 15),
        period_end=dt.date(2023, 3, 31), budget_yuan=300_000, price_yuan=30_000)
    summer.providers.add(programme["mes"])
    reasons = workflow.check_assignment(city["a"], summer, programme["mes"], dt.date(2022, 9, 1))
    assert any("同一服务期内不再重复诊断" in r for r in reasons)
    # The database holds the same line for one lot whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Diagnosis.objects.create(enterprise=city["a"], origin="batch", status="assigned",
                                 lot=programme["lot"], provider=programme["erp"], assigned_on=ON)


def test_a_cancelled_diagnosis_does_not_count(programme, city):
    d = _assigned(programme, city["a"])
    workflow.cancel(None, d, "企业停产")
    d2 = workflow.request(None, city["a"], on=dt.date(2022, 6, 1))
    assert workflow.assign(None, d2, programme["lot"], programme["mes"], on=dt.date(2022, 6, 2)).status == "assigned"


def test_a_non_manufacturer_is_not_in_the_programme(programme, city):
    firm = city["d"]
    firm.is_manufacturing = False
    firm.save()
    with pytest.raises(workflow.Refused, match="不是制造业企业"):
        workflow.request(None, firm, on=dt.date(2022, 3, 20))


def test_report_then_acceptance_every_step_dated(programme, city):
    d = _assigned(programme, city["a"])
    report = workflow.file_report(None, d, GOOD_LEVELS, "设备联网率低；计划排产靠手工",
                                  [GOOD_PROJECT], on=dt.date(2022, 5, 10), provider=programme["mes"])
    assert report.overall_level == 2  # mean 2.125, rounded down (transform.yaml)
    assert report.projects.get().cost_yuan == 25_000_000
    d = workflow.accept(None, d, on=dt.date(2022, 5, 12))
    assert (d.requested_on, d.assigned_on, d.reported_on, d.accepted_on) == (
        dt.date(2022, 3, 20), ON, dt.date(2022, 5, 10), dt.date(2022, 5, 12))


def test_only_the_assigned_provider_files_the_report(programme, city):
    d = _assigned(programme, city["a"])
    with pytest.raises(workflow.Refused, match="未分派给本服务商"):
        workflow.file_report(None, d, GOOD_LEVELS, "x", [], on=dt.date(2022, 5, 10),
                             provider=programme["erp"])


@pytest.mark.parametrize("levels, reason", [
    ({**GOOD_LEVELS, "production": 6}, "能力域“生产”：等级6不在"),
    ({**GOOD_LEVELS, "production": 0}, "能力域“生产”：等级0不在"),
    ({**GOOD_LEVELS, "production": "三"}, "能力域“生产”：等级三不在"),
    ({k: v for k, v in GOOD_LEVELS.items() if k != "sales"}, "能力域“销售”：请填写成熟度等级"),
])
def test_a_maturity_off_the_scale_is_refused(programme, city, levels, reason):
    d = _assigned(programme, city["a"])
    with pytest.raises(workflow.Refused) as exc:
        workflow.file_report(None, d, levels, "发现", [], on=dt.date(2022, 5, 10))
    assert reason in str(exc.value)
    d.refresh_from_db()
    assert d.status == "assigned" and not Report.objects.filter(diagnosis=d).exists()


@pytest.mark.parametrize("change, reason", [
    ({"cost_yuan": -1}, "第1个建议项目：估算投资不能为负数"),
    ({"payback_years": "-0.5"}, "第1个建议项目：投资回收期不能小于0年"),
    ({"capability": "telepathy"}, "第1个建议项目：请选择所需服务能力"),
    ({"cost_yuan": 10**12}, "第1个建议项目：估算投资超过50.00 亿元"),
])
def test_a_bad_recommended_project_is_refused_by_row(programme, city, change, reason):
    d = _assigned(programme, city["a"])
    with pytest.raises(workflow.Refused) as exc:
        workflow.file_report(None, d, GOOD_LEVELS, "发现", [{**GOOD_PROJECT, **change}],
                             on=dt.date(2022, 5, 10))
    assert reason in str(exc.value)


def test_the_database_refuses_what_the_workflow_refuses(programme, city):
    d = _assigned(programme, city["a"])
    report = workflow.file_report(None, d, GOOD_LEVELS, "发现", [GOOD_PROJECT], on=dt.date(2022, 5, 10))
    project = report.projects.get()
    for field, value in (("cost_yuan", -1), ("payback_years", -1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            RecommendedProject.objects.filter(pk=project.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        DimensionScore.objects.filter(report=report, dimension="sales").update(level=config().max_level + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Diagnosis.objects.filter(pk=d.pk).update(accepted_on=dt.date(2022, 5, 1), status="accepted")


def test_acceptance_needs_a_report(programme, city):
    d = _assigned(programme, city["a"])
    with pytest.raises(workflow.Refused, match="只有已提交"):
        workflow.accept(None, d, on=dt.date(2022, 5, 12))


# A busy machine must not fail the law: no deadline, no speed check (the rule is pure).
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8))
def test_overall_level_lies_within_the_dimensions(levels):
    overall = config().overall(levels)
    assert min(levels) <= overall <= max(levels)
    assert overall <= sum(levels) / len(levels)


def test_the_scale_must_be_consecutive():
    import copy

    from industrybrain.transform.config import parse

    raw = copy.deepcopy(config().raw)
    raw["maturity_scale"]["levels"][2]["level"] = 7
    with pytest.raises(ValueError, match="consecutive"):
        parse(raw)


def test_a_batch_of_requests_takes_the_open_requests_only(programme, city):
    workflow.request(None, city["b"], on=dt.date(2022, 3, 10))
    workflow.request(None, city["c"], on=dt.date(2022, 5, 10))  # after the batch's date
    batch = workflow.assign_batch(None, programme["lot"], AssignmentBatch.Basis.REQUESTS, on=ON)
    assert [d.enterprise for d in batch.diagnoses.all()] == [city["b"]]
    b = Diagnosis.objects.get(enterprise=city["b"])
    assert (b.origin, b.status, b.requested_on, b.assigned_on) == ("request", "assigned", dt.date(2022, 3, 10), ON)
    assert Diagnosis.objects.get(enterprise=city["c"]).status == "requested"
