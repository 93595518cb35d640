"""The projects pages ask the database a fixed number of times, however many projects, needs
and inspections there are (no N+1): measured with 5 projects and with 40."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industrybrain.projects.models import ElementNeed, Inspection, InspectionIssue

from .conftest import make_project

pytestmark = pytest.mark.django_db
URLS = ["/projects/", "/projects/?alert=behind", "/projects/rates/?month=2022-06", "/projects/gantt/",
        "/projects/checklist/", "/projects/bulletin.xlsx?month=2022-06", "/api/projects/"]


def add(n, start):
    for i in range(start, start + n):
        p = make_project(f"Q{i}", "wujin" if i % 2 else "xinbei", 10, registered_actual=dt.date(2022, 1, 3),
                         started_planned=dt.date(2022, 3, 1), started_actual=dt.date(2022, 3, 5) if i % 3 else None,
                         completed_planned=dt.date(2023, 6, 1))
        ElementNeed.objects.create(project=p, kind="land", department="自然资源和规划局", raised_on=dt.date(2022, 1, 5),
                                   due_on=dt.date(2022, 2, 1))
        visit = Inspection.objects.create(project=p, kind="weekly_inspection", inspector="张伟",
                                          inspected_on=dt.date(2022, 5, 1), findings="正常")
        InspectionIssue.objects.create(inspection=visit, description="用工缺口")


def counts(client):
    out = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        out[url] = len(queries)
    return out


def test_the_pages_do_not_ask_once_per_project(client_as, users):
    client = client_as("admin")
    add(5, 0)
    few = counts(client)
    add(35, 5)
    many = counts(client)
    assert many == few, {u: (few[u], many[u]) for u in URLS if few[u] != many[u]}
