"""A target's measure in words: ``sum_figure: industrial_output where cluster = new_energy``
reads 新能源集群企业工业总产值合计. The target pages show this, never the rule text."""

from __future__ import annotations

import re

from industrybrain.core import localize
from industrybrain.core.localize import in_english
from industrybrain.engine.vocab import designations, value_labels, variable

_CMP = {"at_least": ("不低于", "at least"), "more_than": ("超过", "above"),
        "less_than": ("低于", "below")}


def _zh() -> bool:
    return not in_english()


def _taxonomy_names() -> dict[str, str]:
    """Cluster, chain and strategic-cluster codes to names, from the pack's taxonomy."""
    import yaml

    path = localize.pack().root / "taxonomy.yaml"
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    out = {}
    for key in ("clusters", "chains", "strategic_emerging_clusters", "future_industries"):
        items = data.get(key, []) or []
        if isinstance(items, dict):
            items = items.get("items", []) or []
        for item in items:
            if isinstance(item, dict) and "code" in item:
                out[item["code"]] = localize.local(item)
    return out


def _word(token: str) -> str:
    d = designations().get(token)
    if d:
        return localize.local(d)
    var = variable(token)
    if var:
        return var.label_zh if _zh() else var.label_en
    for var_name in ("cluster", "district"):
        words = value_labels(var_name, localize.pack().root).get(token)
        if words:
            return words[0] if _zh() else words[1]
    return _taxonomy_names().get(token, token)


def _any(codes: list[str]) -> str:
    return ("或" if _zh() else " or ").join(_word(c) for c in codes)


def _where(text: str) -> str:
    parts = []
    for part in (p.strip() for p in text.split(" and ")):
        words = part.split()
        if part == "above_scale":
            parts.append("规上" if _zh() else "above designated size")
        elif part == "chains":
            parts.append("重点产业链" if _zh() else "in the key chains")
        elif part == "high_tech":
            parts.append(_word("high_tech"))
        elif words[:2] in (["cluster", "="], ["strategic_cluster", "="]):
            parts.append(_word(words[2]))
        elif words[:2] == ["strategic_cluster", "in"]:
            parts.append(_any(words[2:]))
        elif words[:2] == ["industry_code", "in"]:
            codes = "、".join(words[2:]) if _zh() else ", ".join(words[2:])
            parts.append(f"行业代码属 {codes}" if _zh() else f"industry codes {codes}")
        elif len(words) >= 2 and words[1] in _CMP:
            cmp = _CMP[words[1]][0 if _zh() else 1]
            rest = " ".join(words[2:]).replace("previous_year ", "上年" if _zh() else "last year's ")
            rest = " ".join(_word(w) if variable(w) else w for w in rest.split())
            parts.append(f"{_word(words[0])}{cmp}{rest}" if _zh() else
                         f"{_word(words[0])} {cmp} {rest}")
        else:
            parts.append(_word(part))
    return ("、" if _zh() else ", ").join(parts)


def describe(measure: str) -> str:
    """The measure in the reader's language; '' for an empty measure."""
    if not measure:
        return ""
    op, _, rest = measure.partition(":")
    op, rest = op.strip(), rest.strip()
    zh = _zh()
    since = re.search(r"since (\d{4})", rest)
    full = re.sub(r"\s*since \d{4}\s*", " ", rest).strip()
    body, where = full, ""
    if full.startswith("where "):
        body, where = "", full[6:]
    elif " where " in full and op not in ("share_figure", "share_designation"):
        body, where = full.split(" where ", 1)
    if op == "count_designation":
        names = _any(body.split(" | "))
        if " | " in body:  # a firm holding several of them is one firm
            return f"获评{names}的企业数（一家只计一次）" if zh else f"enterprises holding {names} (each counted once)"
        if zh:
            return f"{names}数" if names.endswith("企业") else f"获评{names}的企业数"
        return f"enterprises holding {names}"
    if op == "count_new_designation":
        year = since.group(1) if since else ""
        return (f"{year}年以来新获{_word(body)}的企业数" if zh
                else f"enterprises newly holding {_word(body)} since {year}")
    if op == "count_new_designation_per_year":
        return f"当年新获{_word(body)}的企业数" if zh else f"enterprises newly holding {_word(body)} in the year"
    if op == "count_chain_leader":
        return f"{_word(body)}链主企业数" if zh else f"chain leaders of {_word(body)}"
    if op == "count_enterprises":
        return f"{_where(body)}的企业数" if zh else f"enterprises with {_where(body)}"
    if op == "count_newly_above_scale":
        year = since.group(1) if since else ""
        scope = f"（{_where(where)}）" if where else ""
        return (f"{year}年以来新进入规上的企业数{scope}" if zh
                else f"enterprises newly above designated size since {year}{scope}")
    if op == "count_clusters":
        m = re.match(r"sum_figure (\w+) (\w+) (\S+)", body)
        if m:
            cmp = _CMP.get(m.group(2), ("", ""))[0 if zh else 1]
            return (f"{_word(m.group(1))}{cmp}{m.group(3)}的集群数" if zh
                    else f"clusters with {_word(m.group(1))} {cmp} {m.group(3)}")
    if op == "count_projects":
        large = "large" in body
        return (("超100亿元或10亿美元的" if large else "") + "已入库重大项目数" if zh
                else ("large " if large else "") + "registered major projects")
    if op == "sum_figure":
        scope = f"{_where(where)}企业" if where else "全市企业"
        return f"{scope}{_word(body)}合计" if zh else f"total {_word(body)} of " + (
            f"enterprises {_where(where)}" if where else "all enterprises")
    if op == "share_figure":
        num, _, den = full.partition(" / ")
        den = den.strip()
        nvar, _, nwhere = num.partition(" where ")
        dvar, _, dwhere = den.partition(" where ")
        return (f"{_where(nwhere)}企业{_word(nvar.strip())}占{_where(dwhere)}企业的比重" if zh
                else f"share of {_word(nvar.strip())} of enterprises {_where(nwhere)} in that of "
                     f"enterprises {_where(dwhere)}")
    if op == "share_designation":
        code, _, cond = full.partition(" where ")
        return (f"{_word(code)}中{_where(cond)}的比例" if zh
                else f"share of {_word(code)} with {_where(cond)}")
    if op == "sum_awards_paid":
        year = since.group(1) if since else ""
        return (f"{year}年以来已拨付的政策奖励合计" if zh and year else
                "当年已拨付的政策奖励合计" if zh else
                f"policy awards paid since {year}" if year else "policy awards paid in the year")
    return "系统按企业数据计算" if zh else "computed from enterprise data"
