"""A project's record as an officer keeps it: bad input refused with field and reason, the
pipeline walked milestone by milestone, element needs and inspections raising alerts."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from industrybrain.projects.models import ElementNeed, Inspection, Project

from .conftest import make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def form_data(**over):
    data = {"code": "XM2022-9001", "name": "常州测试新能源电池项目", "district": "", "officer": "张伟",
            "leader": "李明", "level": "city", "currency": "CNY", "planned_amount": "20",
            "planned_unit": "亿元", "signed_actual": "2022-01-10", "registered_actual": "2022-02-01",
            "started_planned": "2022-04-01", "completed_planned": "2023-06-30", "producing_planned": "2024-03-31"}
    data.update(over)
    return data


@pytest.fixture
def wujin_pk(reference):
    from industrybrain.enterprises.models import District

    return District.objects.get(code="wujin").pk


def post(client, **over):
    return client.post("/projects/new/", form_data(**over))


def errors(response):
    return {k: [str(e) for e in v] for k, v in response.context["form"].errors.items()}


def test_a_sound_project_is_saved_in_exact_yuan(client_as, users, wujin_pk):
    response = post(client_as("admin"), district=wujin_pk, planned_amount="20.5")
    assert response.status_code == 302
    p = Project.objects.get(code="XM2022-9001")
    assert p.planned_yuan == 2_050_000_000 and p.stage == "registered" and not p.is_large


@pytest.mark.parametrize("over, field, words", [
    ({"district": ""}, "district", "项目必须有所属辖市区"),
    ({"completed_planned": "2022-03-01"}, "completed_planned", "早于开工计划日期"),
    ({"started_actual": (TODAY + dt.timedelta(days=3)).isoformat()}, "started_actual", "晚于今天"),
    ({"planned_amount": "200000", "planned_unit": "万元"}, None, None),  # 20亿元 in 万元: fine
    ({"planned_amount": "200000"}, "planned_amount", "请检查金额单位"),  # 20万亿元: 万元 typed as 亿元
    ({"planned_amount": "0.2"}, "planned_amount", "请检查金额单位"),  # 2000万元: not a major project
    ({"completed_actual": "2022-05-01"}, "completed_actual", "尚未开工的项目不能记竣工"),
    ({"currency": "USD", "planned_foreign": "10"}, "fx_rate", "外币项目请填写折算汇率"),
    ({"currency": "USD", "planned_foreign": "10", "fx_rate": "645", "fx_date": "2022-01-05"}, "fx_rate", "不在合理范围"),
])
def test_bad_input_is_refused_with_field_and_reason(client_as, users, wujin_pk, over, field, words):
    data = {"district": wujin_pk, **over}
    response = post(client_as("admin"), **data)
    if field is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    found = errors(response)
    assert field in found and any(words in e for e in found[field]), found
    assert not Project.objects.filter(code="XM2022-9001").exists()


def test_ten_billion_dollars_is_a_large_project_with_its_rate_kept(client_as, users, wujin_pk):
    response = post(client_as("admin"), district=wujin_pk, currency="USD", planned_foreign="10",
                    fx_rate="6.4515", fx_date="2022-01-05")
    assert response.status_code == 302
    p = Project.objects.get(code="XM2022-9001")
    assert p.planned_yuan == 6_451_500_000 and p.is_large  # 64.5亿元 < 100亿元, yet 10亿美元
    page = client_as("admin").get(f"/projects/{p.pk}/").content.decode()
    assert "64.52 亿元" in page and "10亿美元" in page and "2022年1月5日" in page and "6.4515" in page


def test_investment_done_far_above_plan_is_refused(client_as, users, reference):
    p = make_project("T1", "wujin", 10, registered_actual=dt.date(2022, 1, 1), started_planned=dt.date(2022, 2, 1),
                     started_actual=dt.date(2022, 2, 1))
    client = client_as("admin")
    client.post(f"/projects/{p.pk}/investment/", {"month": "2022-03", "amount": "12", "unit": "亿元"})
    p.refresh_from_db()
    assert p.done_yuan == 12 * 10**8  # an overrun of 20% is possible
    response = client.post(f"/projects/{p.pk}/investment/", {"month": "2022-04", "amount": "40000", "unit": "万元"},
                           follow=True)
    p.refresh_from_db()
    assert p.done_yuan == 12 * 10**8
    assert "超过计划总投资" in response.content.decode()


def test_an_officer_walks_the_pipeline_and_an_out_of_order_date_is_refused(client_as, users, reference):
    p = make_project("T2", "wujin", 10, lead_actual=dt.date(2021, 5, 1), started_planned=dt.date(2021, 9, 1),
                     completed_planned=dt.date(2022, 6, 1), producing_planned=dt.date(2022, 12, 1))
    client = client_as("wujin")
    for stage, day in (("signed", "2021-06-01"), ("registered", "2021-07-01"), ("started", "2021-09-20"),
                       ("completed", "2022-07-01"), ("producing", "2022-12-20")):
        client.post(f"/projects/{p.pk}/milestone/", {"stage": stage, "actual": day, "delay_cause": ""})
        p.refresh_from_db()
        assert p.stage == stage
    q = make_project("T3", "wujin", 10, registered_actual=dt.date(2022, 1, 1), started_actual=dt.date(2022, 3, 1))
    page = client.post(f"/projects/{q.pk}/milestone/", {"stage": "completed", "actual": "2022-02-01"},
                       follow=True).content.decode()
    q.refresh_from_db()
    assert q.stage == "started" and "早于开工实际日期" in page


def test_an_overdue_element_need_raises_the_alert_until_it_is_secured(client_as, users, reference):
    p = make_project("T4", "wujin", 10, registered_actual=dt.date(2022, 1, 1))
    client = client_as("admin")
    client.post(f"/projects/{p.pk}/needs/", {"kind": "land", "department": "自然资源和规划局", "status": "open",
                                             "raised_on": "2022-01-05", "due_on": "2022-03-01"})
    need = ElementNeed.objects.get(project=p)
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "要素保障逾期1项" in page and "用地" in page
    assert p.pk in [x.pk for x in client.get("/projects/", {"alert": "needs"}).context["page"]]
    client.post(f"/projects/needs/{need.pk}/", {f"need{need.pk}-{k}": v for k, v in {
        "kind": "land", "department": "自然资源和规划局", "status": "secured", "raised_on": "2022-01-05",
        "due_on": "2022-03-01", "secured_on": "2022-03-15"}.items()})
    assert "要素保障逾期" not in client.get(f"/projects/{p.pk}/").content.decode()


def test_an_inspection_with_a_photo_and_an_issue_closed_later(client_as, users, reference):
    p = make_project("T5", "wujin", 10, registered_actual=dt.date(2022, 1, 1))
    client = client_as("wujin")
    assert "巡查逾期" in client.get(f"/projects/{p.pk}/").content.decode()  # never visited since 2022
    photo = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    photo.name = "现场.png"
    client.post(f"/projects/{p.pk}/inspections/", {
        "kind": "weekly_inspection", "inspector": "张伟", "inspected_on": TODAY.isoformat(),
        "findings": "桩基施工中", "issues": "用工缺口约80人", "files": photo})
    inspection = Inspection.objects.get(project=p)
    assert inspection.attachments.count() == 1 and inspection.issues.count() == 1
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "巡查逾期" not in page and "未销号" not in page  # the officer may close it: a form, not a badge
    issue = inspection.issues.get()
    client.post(f"/projects/issues/{issue.pk}/close/", {"closed_on": TODAY.isoformat(), "closure": "已招工"})
    issue.refresh_from_db()
    assert issue.closed_on == TODAY
    att = inspection.attachments.get()
    assert client.get(f"/projects/attachments/{att.pk}/").status_code == 200
    assert client_as("owner_c").get(f"/projects/attachments/{att.pk}/").status_code == 404


def test_a_disguised_or_oversized_attachment_is_refused(client_as, users, reference, settings):
    settings.IB_APPLICATION_MAX_BYTES = 1000
    p = make_project("T6", "wujin", 10, registered_actual=dt.date(2022, 1, 1))
    client = client_as("admin")
    for name, body, words in (("x.pdf", b"MZ" + b"0" * 10, "内容与扩展名不符"), ("y.png", b"\x89PNG" + b"0" * 2000, "超过"),
                              ("z.exe", b"MZ", "类型不允许")):
        f = io.BytesIO(body)
        f.name = name
        page = client.post(f"/projects/{p.pk}/inspections/", {
            "kind": "weekly_inspection", "inspector": "张伟", "inspected_on": TODAY.isoformat(),
            "findings": "正常", "files": f}, follow=True).content.decode()
        assert words in page
    assert not Inspection.objects.filter(project=p).exists()


def test_a_district_officer_cannot_register_for_another_district(client_as, users, reference):
    from industrybrain.enterprises.models import District

    xinbei = District.objects.get(code="xinbei").pk
    response = post(client_as("wujin"), district=xinbei)
    assert response.status_code == 400 and not Project.objects.exists()
    assert client_as("reviewer").get("/projects/new/").status_code == 403


def test_a_needs_history_opens_after_its_project_was_deleted(admin_client, reference):
    """The admin's history keeps a deleted need's records; their names no longer reach the
    project (found by the hostile-URL walk: the page answered 500)."""
    project = make_project("DEL1", "wujin")
    need = ElementNeed.objects.create(project=project, kind="land", department="自然资源和规划局",
                                      raised_on=dt.date(2022, 1, 5), due_on=dt.date(2022, 2, 1))
    need.status = "secured"
    need.save()
    project.delete()
    response = admin_client.get(f"/admin/projects/elementneed/{need.pk}/history/")
    assert response.status_code == 200
    assert "（已删除）" in response.content.decode()
