"""Excel/CSV import: every row is checked first; the file applies whole, or nothing changes.

    report = import_file("figures", "2022年度数据.xlsx", user=None)
    report.applied, report.rejects  # each reject names row, column and reason
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from industrybrain.core import dataversion
from industrybrain.core.models import ImportBatch
from industrybrain.enterprises.imports.base import Reject, Report
from industrybrain.enterprises.imports.designation_rows import DesignationSpec
from industrybrain.enterprises.imports.enterprise_rows import EnterpriseSpec
from industrybrain.enterprises.imports.figure_rows import FiguresSpec
from industrybrain.enterprises.imports.reader import FileError, read_table

KINDS = {spec.kind: spec for spec in (EnterpriseSpec(), FiguresSpec(), DesignationSpec())}

__all__ = ["KINDS", "Reject", "Report", "import_bytes", "import_file", "import_upload"]


def import_upload(kind, upload, user=None) -> Report:
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        return _refused(kind, upload.name, _too_large(upload.size, limit))
    return import_bytes(kind, upload.name, upload.read(), user)


def import_file(kind, path, user=None) -> Report:
    path = Path(path)
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        return _refused(kind, path.name, _too_large(size, settings.IMPORT_MAX_BYTES))
    return import_bytes(kind, path.name, path.read_bytes(), user)


def import_bytes(kind, filename, data, user=None) -> Report:
    spec = KINDS[kind]
    report = Report(kind=kind, filename=filename)
    try:
        table = read_table(filename, data)
    except FileError as exc:
        report.rejects.append(Reject(0, _("文件"), str(exc)))
        _batch(report, data, user).save()
        return report
    report.rows, report.sheet = len(table.body), table.sheet
    spec.prepare()
    records = spec.parse_rows(table.headers, table.body, report.rejects)
    spec.check(records, report.rejects)  # also after cell errors: report every problem at once
    if report.rejects:
        report.rejects.sort(key=lambda r: r.row)
        _batch(report, data, user).save()
        return report
    with transaction.atomic():
        batch = _batch(report, data, user)
        batch.save()
        reason = f"导入#{batch.pk} {filename}"
        report.created, report.updated, report.unchanged = spec.apply(records, user, reason)
        dataversion.bump(dataversion.ENTERPRISES)  # the cockpit's figures are stale from here
        report.applied = True
        batch.created, batch.updated, batch.unchanged = report.created, report.updated, report.unchanged
        batch.applied = True
        batch.save()
        report.batch_id = batch.pk
    return report


def _too_large(size, limit) -> str:
    return _("文件过大（%(size)s MB），上限为 %(limit)s MB") % {
        "size": f"{size / 2**20:.1f}", "limit": f"{limit / 2**20:.0f}"}


def _refused(kind, filename, reason) -> Report:
    report = Report(kind=kind, filename=filename)
    report.rejects.append(Reject(0, _("文件"), reason))
    ImportBatch.objects.create(kind=kind, filename=filename[:255], sha256="", rejected=1)
    return report


def _batch(report, data, user) -> ImportBatch:
    return ImportBatch(
        kind=report.kind, filename=report.filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        user=user if user is not None and user.is_authenticated else None,
        rows=report.rows, rejected=len(report.rejects),
    )
