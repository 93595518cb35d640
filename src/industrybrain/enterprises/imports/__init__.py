"""Excel/CSV import: every row is checked first; the file applies whole, or nothing changes.

    report = import_file("figures", "2022年度数据.xlsx", user=None)
    report.applied, report.rejects  # each reject names row, column and reason

The steps: bound and read the file (reader) -> take the kind's lock, so one import of a
kind runs at a time (locking; a second is refused with "另一个导入正在进行") -> parse every
cell (cells) -> check against the database -> apply: only the values a row changes, and only
if the stored rows still hold what the check read, else the file is refused (optimistic
concurrency); figures in short staged chunks and one short final transaction (staging),
which ends in ``finish``: the one place every successful import passes, inside its final
transaction (the batch is marked applied, the data version bumped).
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError
from django.utils.translation import gettext as _

from industrybrain.core import dataversion
from industrybrain.core.models import ImportBatch
from industrybrain.enterprises.imports.base import Apply, Conflict, Reject, Report
from industrybrain.enterprises.imports.designation_rows import DesignationSpec
from industrybrain.enterprises.imports.enterprise_rows import EnterpriseSpec
from industrybrain.enterprises.imports.figure_rows import FiguresSpec
from industrybrain.enterprises.imports.locking import ImportBusy, LockLost, import_lock
from industrybrain.enterprises.imports.reader import FileError, read_table

KINDS = {spec.kind: spec for spec in (EnterpriseSpec(), FiguresSpec(), DesignationSpec())}

__all__ = ["KINDS", "Reject", "Report", "import_bytes", "import_file", "import_upload"]


def import_upload(kind, upload, user=None, spec=None) -> Report:
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        return _refused(kind, upload.name, _too_large(upload.size, limit))
    return import_bytes(kind, upload.name, upload.read(), user, spec=spec)


def import_file(kind, path, user=None) -> Report:
    path = Path(path)
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        return _refused(kind, path.name, _too_large(size, settings.IMPORT_MAX_BYTES))
    return import_bytes(kind, path.name, path.read_bytes(), user)


def import_bytes(kind, filename, data, user=None, on_chunk=None, spec=None) -> Report:
    """Import one file. ``on_chunk`` (tests, benchmarks) is called after each committed chunk,
    while the import is under way and holds no database lock. ``spec`` lets another app run
    its own kind through the same machinery (the project list: projects.imports.ProjectSpec)."""
    spec = spec or type(KINDS[kind])()  # its own instance: a spec keeps the rows it read
    report = Report(kind=kind, filename=filename)
    try:
        table = read_table(filename, data)
    except FileError as exc:
        return _reject_file(report, data, user, str(exc))
    report.rows, report.sheet = len(table.body), table.sheet
    try:
        with import_lock(kind, user) as heartbeat:
            _check_and_apply(spec, table, report, data, user, heartbeat, on_chunk)
    except (ImportBusy, LockLost) as exc:  # LockLost here: during the check, before any write
        return _reject_file(report, data, user, str(exc))
    return report


def _check_and_apply(spec, table, report, data, user, heartbeat, on_chunk) -> None:
    spec.prepare()
    records = spec.parse_rows(table.headers, table.body, report.rejects)
    spec.check(records, report.rejects)  # also after cell errors: report every problem at once
    heartbeat()
    batch = _batch(report, data, user)
    if report.rejects:
        report.rejects.sort(key=lambda r: r.row)
        batch.save()
        return
    batch.save()  # not applied until the final transaction says so
    report.batch_id = batch.pk

    def after_chunk():
        heartbeat()
        if on_chunk is not None:
            on_chunk()

    def finish(created, updated, unchanged):
        """Inside the import's final transaction: whatever must change with the data."""
        report.created, report.updated, report.unchanged = created, updated, unchanged
        batch.created, batch.updated, batch.unchanged = created, updated, unchanged
        batch.applied = True
        batch.save(update_fields=["created", "updated", "unchanged", "applied"])
        dataversion.bump(dataversion.ENTERPRISES)  # the cockpit's figures are stale from here

    run = Apply(user=user, reason=f"导入#{batch.pk} {report.filename}"[:100], batch=batch,
                after_chunk=after_chunk, finish=finish)
    try:
        spec.apply(records, run)
    except Conflict as conflict:
        report.rejects.extend(spec.conflict_rejects(conflict))
    except IntegrityError:
        report.rejects.append(Reject(0, _("文件"), _(
            "核对之后，库中的数据已被其他导入或人员修改；本次导入未做任何改动，请重新导入")))
    except LockLost as exc:
        report.rejects.append(Reject(0, _("文件"), str(exc)))
    if report.rejects:
        report.applied = False
        report.created = report.updated = report.unchanged = 0
        batch.applied, batch.rejected = False, len(report.rejects)
        batch.created = batch.updated = batch.unchanged = 0
        batch.save()
    else:
        report.applied = True


def _reject_file(report, data, user, reason) -> Report:
    report.rejects.append(Reject(0, _("文件"), reason))
    _batch(report, data, user).save()
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
