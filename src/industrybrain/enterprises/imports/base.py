"""The machinery every import shares: columns, rejects, the report, all-or-nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from industrybrain.enterprises.imports import cells


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[Any], Any]
    required: bool = False
    example: Any = None


@dataclass(frozen=True)
class Reject:
    row: int  # as Excel numbers it: the header is row 1; 0 means the file as a whole
    column: str
    reason: str

    def __str__(self):
        where = _("第%(row)s行") % {"row": self.row} if self.row else _("文件")
        return _("%(where)s［%(column)s］：%(reason)s") % {
            "where": where, "column": self.column, "reason": self.reason}


@dataclass
class Report:
    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    applied: bool = False
    batch_id: int | None = None
    sheet: str = ""  # the worksheet read (an .xlsx's active visible sheet)

    def summary(self) -> str:
        if self.applied:
            text = _("已导入 %(file)s：共 %(rows)s 行，新增 %(created)s，更新 %(updated)s，"
                     "未变 %(unchanged)s。") % {
                "file": self.filename, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged}
            return text + self.sheet_note()
        text = _("%(file)s 未导入：发现 %(n)s 处错误，数据库未做任何改动。") % {
            "file": self.filename, "n": len(self.rejects)}
        return text + (_("第一处：%(reject)s") % {"reject": self.rejects[0]} if self.rejects else "") \
            + self.sheet_note()

    def sheet_note(self) -> str:
        return _("（读取的工作表：%(sheet)s）") % {"sheet": self.sheet} if self.sheet else ""


class Spec:
    """One kind of import. Subclasses list their columns and say how rows meet the database."""

    kind = ""
    title = ""
    columns: list[Column] = []
    key_columns: tuple[str, ...] = ()

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def example_row(self) -> list:
        return [c.example for c in self.columns]

    def prepare(self) -> None:
        """Load the lookups (districts, codes, existing rows) the checks need, once."""

    def parse_rows(self, headers, body, rejects):
        by_header = {c.header: c for c in self.columns}
        seen = {}
        for position, header in enumerate(headers):
            if not header:
                continue
            if header not in by_header:
                rejects.append(Reject(1, header, _("未知的列名；请使用导入模板的表头")))
            elif header in seen:
                rejects.append(Reject(1, header, _("列名重复")))
            else:
                seen[header] = position
        for column in self.columns:
            if column.required and column.header not in seen:
                rejects.append(Reject(1, column.header, _("缺少必填列")))
        if rejects:
            return []
        records = []
        for number, row in body:
            record = {"_row": number}
            for header, position in seen.items():
                column = by_header[header]
                value = row[position] if position < len(row) else None
                if cells.blank(value):
                    if column.required:
                        rejects.append(Reject(number, header, _("必填项为空")))
                    continue
                try:
                    record[column.key] = column.parse(value)
                except cells.CellError as exc:
                    rejects.append(Reject(number, header, str(exc)))
            records.append(record)
        self._reject_duplicates(records, rejects)
        return records

    def _reject_duplicates(self, records, rejects):
        first_row = {}
        headers = {c.key: c.header for c in self.columns}
        for record in records:
            if not all(k in record for k in self.key_columns):
                continue
            key = tuple(record[k] for k in self.key_columns)
            if key in first_row:
                rejects.append(Reject(
                    record["_row"], "、".join(headers[k] for k in self.key_columns),
                    _("与第%(row)s行重复") % {"row": first_row[key]},
                ))
            else:
                first_row[key] = record["_row"]

    def check(self, records, rejects) -> None:
        """Checks against the database and across rows; append a Reject for each problem."""

    def apply(self, records, run: "Apply") -> None:
        """Write the records whole or not at all. The spec opens its own transaction(s); in
        the last one it calls ``run.finish(created, updated, unchanged)``. When stored rows
        changed since ``check`` read them it raises a Conflict that ``conflict_rejects`` turns
        into rejects (optimistic concurrency: nothing is overwritten unseen)."""
        raise NotImplementedError

    def conflict_rejects(self, conflict) -> list[Reject]:
        return [Reject(row, _("数据"), _("核对之后，库中的数据已被其他导入或人员修改；请重新导入以免覆盖"))
                for row in conflict.rows]


@dataclass
class Apply:
    """What a spec's apply needs from the import around it."""

    user: Any
    reason: str
    batch: Any  # the ImportBatch, saved, not yet applied
    after_chunk: Callable[[], None]  # call after each committed chunk: heartbeat and hooks
    finish: Callable[[int, int, int], None]  # call inside the final transaction


class Conflict(Exception):
    """Stored rows changed between check and apply; ``rows`` are the file's row numbers."""

    def __init__(self, rows, created=()):
        super().__init__(rows)
        self.rows, self.created = list(rows), list(created)


def write_with_history(model, creates, updates, fields, user, reason) -> None:
    """Insert and update in bulk, each row's history with the same user and reason."""
    bulk_create_with_history(creates, model, batch_size=2000, default_user=user,
                             default_change_reason=reason)
    if updates:
        bulk_update_with_history(updates, model, fields, batch_size=2000,
                                 default_user=user, default_change_reason=reason)
