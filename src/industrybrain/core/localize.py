"""Names and titles in the reader's language: the data carry both (name_zh/name_en,
title_zh/title_en); Chinese is shown unless English is asked for and present."""

from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def in_english() -> bool:
    return (get_language() or "").startswith("en")


def local(obj, field: str = "name"):
    """``obj.<field>_en`` on an English page when it is filled, else ``obj.<field>_zh``.
    Works on model instances, dataclasses and dicts; None gives ''."""
    if obj is None:
        return ""
    get = obj.get if isinstance(obj, dict) else lambda key, default=None: getattr(obj, key, default)
    if in_english():
        english = get(f"{field}_en")
        if english:
            return english
    return get(f"{field}_zh") or ""


# Chinese punctuation as an English page writes it (templates: the {% pu %} tag).
PUNCTUATION_EN = {"（": " (", "）": ")", "，": ", ", "：": ": ", "；": "; ", "。": ". ", "、": ", ",
                  "「": "“", "」": "”"}


def punct(mark: str) -> str:
    """``"；".join(parts)`` becomes ``punct("；").join(parts)``: "; " on an English page."""
    return PUNCTUATION_EN.get(mark, mark) if in_english() else mark


# --- One vocabulary: the words for the codes of the pack and the models -------------------
# Every page, message, export and CLI line that shows a policy, tier, variable, designation,
# stored value or article goes through these (DESIGN §9 "One vocabulary").

def _lang() -> str:
    return "en" if in_english() else "zh"


def pack(pid: str | None = None):
    """The validated policy pack (loaded once per process); PackError when it is invalid."""
    from django.conf import settings

    # Cached by the pack's id, so pack() and pack("changzhou_2022") load it once, not twice.
    return _load(pid or getattr(settings, "IB_POLICY_PACK", "changzhou_2022"))


@lru_cache(maxsize=4)
def _load(pid: str):
    from industrybrain.engine import load_pack

    return load_pack(pid)


def _policy(policy_id: str):
    try:
        return pack().policy(policy_id)
    except KeyError:
        return None


def policy_title(policy_id: str) -> str:
    """The policy's title in the reader's language; an unknown id (a withdrawn policy of an
    older pack) reads as 已停用的政策 rather than as its code."""
    p = _policy(policy_id)
    if p is not None:
        return local(p, "title")
    return _("未知政策") if policy_id else ""


def tier_label(policy_id: str, tier: str | None) -> str:
    """A tier's label; cumulative tiers (``over_500yi+over_100yi``) read 'A + B'."""
    if not tier:
        return ""
    p = _policy(policy_id)
    tiers = {t.id: t for t in (p.tiers if p is not None else ())}
    words = []
    for part in tier.split("+"):
        t = tiers.get(part)
        words.append((t.label_en if in_english() and t.label_en else t.label_zh) if t
                      else _("未知档位"))
    return " + ".join(words)


def variable_label(name: str) -> str:
    from industrybrain.engine.vocab import label

    return label(name, _lang())


def designation_label(code: str) -> str:
    from industrybrain.engine.vocab import designations

    d = designations().get(code)
    return local(d) if d else code


def value_label(var: str, value) -> str:
    """A stored value of a text variable in words (private -> 民营, new_energy -> 新能源)."""
    from industrybrain.engine.vocab import value_label as words

    return words(var, value, _lang(), pack().root)


def source_of(seed: str) -> dict:
    """The article a citation quotes, as a reader names it: {title, outlet, date}; the pack
    lists them under ``sources`` in pack.yaml (tests/test_citations.py checks them)."""
    for s in pack().meta.get("sources", []) or []:
        if s.get("seed") == seed:
            return {"title": s.get("title", ""), "outlet": s.get("outlet", ""),
                    "date": s.get("date", "")}
    return {"title": _("政策原文"), "outlet": "", "date": ""}


def source_label(seed: str) -> str:
    """《夯实常州高质量发展的产业基石》，常州日报，2022年3月29日 (pages put it in brackets)."""
    s = source_of(seed)
    sep = ", " if in_english() else "，"
    return sep.join(str(x) for x in (f"《{s['title']}》", s["outlet"], _date(s["date"])) if x)


def _date(value) -> str:
    import datetime as dt

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        if in_english():
            return f"{value.day} {value.strftime('%B')} {value.year}"
        return f"{value.year}年{value.month}月{value.day}日"
    return ""


def inputs_shown(policy_id: str, inputs: dict) -> list[tuple[str, str]]:
    """An award's stored inputs ({"is_manufacturing": true, ...}) as (label, value) in words:
    制造业企业 = 是, 营业收入 = 150亿元, 所有制 = 民营."""
    from industrybrain.engine.compile import policy_usage
    from industrybrain.engine.explain import inputs_of
    from industrybrain.engine.vocab import format_money

    p = _policy(policy_id)
    known = {i.key: i for i in inputs_of(policy_usage(pack(), p))} if p is not None else {}
    out = []
    for key, value in (inputs or {}).items():
        i = known.get(key)
        if i is None:
            out.append((_("其他数据"), _plain(value)))
            continue
        label = i.label_en if in_english() else i.label_zh
        if value is None:
            shown = _("缺失")
        elif i.kind == "money":
            shown = format_money(int(value), _lang())
        elif i.kind == "bool":
            shown = _("是") if value else _("否")
        elif i.kind == "text":
            shown = value_label(i.var, value) if i.var else str(value)
        elif isinstance(value, float):
            shown = f"{value:g}"
        else:
            shown = str(value)
        out.append((label, shown))
    return out


def _plain(value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, dict)):
        return "、".join(_plain(v) for v in (value.values() if isinstance(value, dict) else value))
    return "—" if value is None else str(value)


def budget_line_label(line_id: str) -> str:
    for line in pack().meta.get("budget_lines", []) or []:
        if line.get("id") == line_id:
            return local(line, "title")
    return _("其他预算科目") if line_id else ""


def related(instance, field: str) -> str:
    """The name of ``instance``'s related object ``field``, or “（已删除）” when it is gone: a
    change history (simple_history) keeps records of rows whose parent was deleted since, and
    their names must still render (the admin's history page answered 500)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return str(getattr(instance, field))
    except ObjectDoesNotExist:
        return _("（已删除）")
