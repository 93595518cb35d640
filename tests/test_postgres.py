"""What must hold on PostgreSQL, the production database (run by `make test-postgres`)."""

import pytest
from django.db import IntegrityError, connection, transaction

from industrybrain.enterprises.imports import import_bytes
from industrybrain.enterprises.models import AnnualFigures

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_suite_really_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_one_row_of_figures_per_enterprise_and_year_is_enforced_by_the_database(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualFigures.objects.create(enterprise=city["a"], year=2021, revenue=1)


def test_money_beyond_32_bits_is_exact(city, users):
    data = f"统一社会信用代码,年份,营业收入（万元）\n{city['a'].uscc},2022,15000.0001\n".encode()
    report = import_bytes("figures", "年度.csv", data, users["admin"])
    assert report.applied, report.rejects
    assert AnnualFigures.objects.get(enterprise=city["a"], year=2022).revenue == 150_000_001
