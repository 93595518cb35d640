"""After the report: matching providers (explained), project starts, ratings, and the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from industrybrain.transform import delivery, matching, workflow

from .conftest import GOOD_LEVELS, GOOD_PROJECT

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(programme, city):
    d = workflow.request(None, city["a"], on=dt.date(2022, 3, 20))
    d = workflow.assign(None, d, programme["lot"], programme["mes"], on=dt.date(2022, 4, 1))
    workflow.file_report(None, d, GOOD_LEVELS, "设备联网率低", [GOOD_PROJECT], on=dt.date(2022, 5, 10))
    return workflow.accept(None, d, on=dt.date(2022, 5, 12))


def test_a_provider_serving_the_firms_cluster_ranks_first_and_says_why(programme, city):
    from industrybrain.transform.models import Provider

    other = Provider.objects.create(name="另一家MES服务商", capabilities=["mes"])
    found = matching.match("mes", city["a"])
    assert found[0].provider == programme["mes"]
    assert {m.provider for m in found[1:]} == {other, programme["outsider"]}
    assert found[0].explanation.startswith("具备“制造执行系统（MES）”能力；服务高端装备集群")
    assert "省级领军服务商" in found[0].explanation
    assert matching.match("erp", city["a"])[0].provider == programme["erp"]
    assert matching.match("nothing", city["a"]) == []


def test_a_started_project_is_dated_and_its_provider_rated(accepted, programme):
    project = accepted.report.projects.get()
    with pytest.raises(workflow.Refused, match="不能早于诊断报告日期"):
        delivery.start(None, project, dt.date(2022, 5, 1))
    project = delivery.start(None, project, dt.date(2022, 9, 1), 26_000_000, programme["mes"])
    assert (project.status, project.invested_yuan) == ("started", 26_000_000)
    rating = delivery.rate(None, accepted, 5, "交付及时", project=project)
    assert rating.provider == programme["mes"]
    with pytest.raises(workflow.Refused, match="已评价过"):
        delivery.rate(None, accepted, 4, project=project)
    with pytest.raises(workflow.Refused, match="评分应在1至5之间"):
        delivery.rate(None, accepted, 6)
    assert matching.match("mes", accepted.enterprise)[0].explanation.count("平均评分5.0（1次评价）") == 1


def test_the_cli_prints_coverage_and_refuses_with_reasons(accepted, programme, tmp_path):
    out = io.StringIO()
    call_command("diagnoses", "progress", "--year", "2022", stdout=out)
    text = out.getvalue()
    assert "2022年底智能化免费诊断覆盖率" in text and "全市" in text and "25.0%" in text
    with pytest.raises(CommandError, match="按辖市区分派时请选择辖市区"):
        call_command("diagnoses", "assign", "2022-01", "--basis", "district", "--on", "2022-06-01")
    with pytest.raises(CommandError, match="没有编号为 nope 的采购批次"):
        call_command("diagnoses", "assign", "nope", "--basis", "undiagnosed")
    out = io.StringIO()
    call_command("diagnoses", "assign", "2022-01", "--basis", "undiagnosed", "--on", "2022-06-01", stdout=out)
    assert "分派 3 家企业" in out.getvalue()
    target = tmp_path / "kc.csv"
    call_command("diagnoses", "key-clients", str(target), stdout=io.StringIO())
    assert accepted.enterprise.name in target.read_text(encoding="utf-8-sig")
