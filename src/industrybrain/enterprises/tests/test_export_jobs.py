"""Large exports run as background jobs with progress and a download link (issue 13)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from industrybrain.enterprises.models import AnnualFigures, ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(settings, tmp_path):
    settings.IB_EXPORT_BACKGROUND_ROWS = 1  # every export of more than one row is a job
    settings.IB_JOBS = "inline"
    settings.DATA_DIR = tmp_path
    return settings


def _rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_a_large_export_runs_as_a_job_and_gives_the_same_file(
        client_as, city, background, django_capture_on_commit_callbacks):
    client = client_as("admin")
    background.IB_EXPORT_BACKGROUND_ROWS = 10**9
    direct = _rows(client.get("/enterprises/export/figures.xlsx").content)
    background.IB_EXPORT_BACKGROUND_ROWS = 1
    offer = client.get("/enterprises/export/figures.xlsx")
    assert offer.status_code == 200 and "开始导出" in offer.content.decode()
    assert not ExportJob.objects.exists()  # a GET writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/export/figures.xlsx", {"params": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/enterprises/exports/{job.pk}/"
    assert job.status == "done" and job.rows_done == job.rows_total == AnnualFigures.objects.count()
    page = client.get(response.url).content.decode()
    assert "已完成" in page and "下载文件" in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/enterprises/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="figures.xlsx"'
    assert _rows(b"".join(download.streaming_content)) == direct


def test_a_running_job_shows_its_progress_and_refreshes(client_as, users, city, background):
    job = ExportJob.objects.create(kind="figures", fmt="xlsx", created_by=users["admin"],
                                   status="running", rows_total=200, rows_done=50,
                                   heartbeat=timezone.now())
    page = client_as("admin").get(f"/enterprises/exports/{job.pk}/").content.decode()
    assert 'value="25"' in page and "已写 50 / 200 行" in page
    assert 'http-equiv="refresh"' in page and "下载文件" not in page
    assert client_as("admin").get(f"/enterprises/exports/{job.pk}/download/").status_code == 404


def test_only_the_user_who_asked_sees_the_job(client_as, city, background,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post("/enterprises/export/figures.csv")
    job = ExportJob.objects.get()
    for name in ("analyst", "owner_a"):
        client = client_as(name)
        assert client.get(f"/enterprises/exports/{job.pk}/").status_code == 404
        assert client.get(f"/enterprises/exports/{job.pk}/download/").status_code == 404


def test_a_background_export_holds_the_scope_and_the_filters(
        client_as, city, background, django_capture_on_commit_callbacks):
    client = client_as("wujin")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enterprises/export/enterprises.csv", {"params": "q=%E6%B5%8B%E8%AF%95"})
    job = ExportJob.objects.get()
    text = b"".join(client.get(f"/enterprises/exports/{job.pk}/download/")
                    .streaming_content).decode("utf-8-sig")
    for enterprise in city.values():
        if hasattr(enterprise, "uscc"):
            assert (enterprise.uscc in text) == (enterprise.district.code == "wujin")


def test_csv_keeps_amounts_exact(client_as, city, background, django_capture_on_commit_callbacks):
    AnnualFigures.objects.filter(enterprise=city["a"]).update(revenue=123_456_789)
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post("/enterprises/export/figures.csv")
    job = ExportJob.objects.get()
    text = b"".join(client_as("admin").get(f"/enterprises/exports/{job.pk}/download/")
                    .streaming_content).decode("utf-8-sig")
    assert "12345.6789" in text


def test_asking_again_while_it_runs_leads_to_the_same_job(client_as, users, city, background):
    job = ExportJob.objects.create(kind="figures", fmt="xlsx", created_by=users["admin"],
                                   status="running", heartbeat=timezone.now())
    response = client_as("admin").post("/enterprises/export/figures.xlsx")
    assert response.url == f"/enterprises/exports/{job.pk}/" and ExportJob.objects.count() == 1


def test_a_job_whose_process_died_is_failed_and_says_so(client_as, users, city, background):
    job = ExportJob.objects.create(kind="figures", fmt="xlsx", created_by=users["admin"],
                                   status="running", heartbeat=timezone.now() - timedelta(hours=1))
    page = client_as("admin").get(f"/enterprises/exports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and "导出中断" in page and 'http-equiv="refresh"' not in page


# The worker closes stale connections at each poll, as a long-lived process must; inside a test
# transaction that would close the connection under the test (PostgreSQL), so this test commits.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_exports(client_as, users, city, background,
                                        django_capture_on_commit_callbacks):
    from industrybrain.policies import jobs

    background.IB_JOBS = "worker"
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post("/enterprises/export/figures.xlsx")
    job = ExportJob.objects.get()
    assert job.status == "queued"
    lines = []
    jobs.work(once=True, log=lines.append)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == AnnualFigures.objects.count()
    assert any(f"export #{job.pk}: done" in line for line in lines)
