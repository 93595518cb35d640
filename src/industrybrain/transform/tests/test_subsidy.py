"""A recommended project becomes a 快申快享 application that the pack's rule prices, with the
report attached; the ledger pays it once."""

import datetime as dt

import pytest

from industrybrain.policies import applications
from industrybrain.policies.models import Award
from industrybrain.transform import subsidy, workflow

from .conftest import GOOD_LEVELS, GOOD_PROJECT

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(programme, city):
    d = workflow.request(None, city["a"], on=dt.date(2022, 3, 20))
    d = workflow.assign(None, d, programme["lot"], programme["mes"], on=dt.date(2022, 4, 1))
    small = {**GOOD_PROJECT, "title": "仓库扫码入库", "capability": "logistics", "cost_yuan": 800_000}
    report = workflow.file_report(None, d, GOOD_LEVELS, "设备联网率低", [GOOD_PROJECT, small],
                                  on=dt.date(2022, 5, 10))
    return report


def test_a_major_project_is_priced_by_the_packs_rule_and_applied_for(accepted, users):
    big, small = accepted.projects.order_by("id")
    with pytest.raises(workflow.Refused, match="确认诊断报告后"):
        subsidy.route(users["owner_a"], big, 2022)
    workflow.accept(users["owner_a"], accepted.diagnosis, on=dt.date(2022, 5, 12))
    # 2500万元 of investment passes the 2000万元 threshold; 10% is 250万元, under the 500万元 cap.
    app = subsidy.route(users["owner_a"], big, 2022)
    big.refresh_from_db()
    assert big.status == "applied" and big.subsidy_yuan == 2_500_000 and big.application == app
    assert app.policy_id == "smart_transform_project_subsidy" and app.year == 2022
    assert "250.00 万元" in app.statement and "常州智造咨询有限公司" in app.statement
    attachment = app.attachments.get()
    text = attachment.file.read().decode("utf-8")
    assert "冲压车间设备联网与MES" in text and "二级（规范级）" in text
    # The reviewer decides in the handling system; the award takes the once-only slot.
    applications.decide(app.pk, users["reviewer"], True, big.subsidy_yuan, "诊断报告齐全")
    award = Award.objects.get(enterprise=accepted.diagnosis.enterprise,
                              policy_id="smart_transform_project_subsidy", year=2022)
    assert award.amount_yuan == 2_500_000


def test_a_project_below_the_threshold_is_refused_with_the_rules_reason(accepted, users):
    workflow.accept(users["owner_a"], accepted.diagnosis, on=dt.date(2022, 5, 12))
    small = accepted.projects.get(title="仓库扫码入库")
    with pytest.raises(workflow.Refused) as exc:
        subsidy.route(users["owner_a"], small, 2022)
    assert "不符合补贴条件" in str(exc.value)
    small.refresh_from_db()
    assert small.status == "recommended" and small.application is None


def test_a_second_subsidised_project_in_the_same_year_is_refused(accepted, users, programme):
    workflow.accept(users["owner_a"], accepted.diagnosis, on=dt.date(2022, 5, 12))
    big = accepted.projects.get(title=GOOD_PROJECT["title"])
    subsidy.route(users["owner_a"], big, 2022)
    other = accepted.projects.create(title="二期MES", capability="mes", cost_yuan=30_000_000,
                                     expected_gains="", payback_years=5)
    with pytest.raises(workflow.Refused, match="本年度已申请过该政策"):
        subsidy.route(users["owner_a"], other, 2022)


def test_a_year_outside_the_policy_is_refused(accepted, users):
    workflow.accept(users["owner_a"], accepted.diagnosis, on=dt.date(2022, 5, 12))
    big = accepted.projects.get(title=GOOD_PROJECT["title"])
    with pytest.raises(workflow.Refused, match="2031年不在"):
        subsidy.route(users["owner_a"], big, 2031)
    assert subsidy.default_year(big) == 2022
