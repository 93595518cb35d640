"""English pages speak English (issue 13): every page of the house, rendered in English for
every role of tests/test_no_codes.py's small city, shows no Chinese in its visible text
except what is Chinese by nature:

- proper names and what people typed: enterprise, provider, procurement-lot and project
  names, officers, an application's statement, a diagnosis's findings (docs/i18n.md: data
  are not translated);
- the articles quoted word for word: a citation's quote and the article's title and outlet,
  and the titles of the national and provincial rules a pool follows (a quotation keeps its
  language; the page says in English what it means);
- the keywords that place an enterprise in a chain segment, which match Chinese names;
- 简体中文, the language switch's name for Chinese.

Pages whose leftovers are known and not yet translated are listed in ``NOT_YET`` with what
remains; a page listed there that becomes clean fails the test, so the list only shrinks.
"""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse
from test_no_codes import NOT_PAGES, _args, _names, visible_text
from test_no_codes import world as world  # noqa: PLC0414 (the fixture, used by name)

pytestmark = pytest.mark.django_db

# Han characters and the full-width punctuation that only Chinese text uses.
CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff（）【】《》，。、：；！？「」〔〕]+")

# url name -> what is still Chinese on its English page (to translate, then remove here).
NOT_YET: dict[str, str] = {}


def _pages(world) -> dict[str, str]:
    """url name -> a URL of every page a person reads (the code-leak test's list)."""
    with_args = _args(world)
    pages = {}
    for name, nargs in sorted(set(_names(get_resolver().url_patterns))):
        if name in NOT_PAGES or name.split(":")[0] in ("api", "admin"):
            continue
        try:
            if nargs == 0:
                pages[name] = reverse(name)
            elif with_args.get(name) is not None:
                pages[name] = reverse(name, args=with_args[name])
        except NoReverseMatch:
            continue
    return pages


def _yaml_strings(node, keys=("quote", "title", "outlet", "source")):
    """Every string under one of ``keys`` anywhere in a parsed YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield value
            else:
                yield from _yaml_strings(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _yaml_strings(item, keys)


def chinese_by_nature() -> list[str]:
    """What may stay Chinese on an English page, longest first (removed before the scan)."""
    import yaml

    from industrybrain.enterprises.models import Enterprise
    from industrybrain.industry.models import ChainSegment
    from industrybrain.packs import pack_dir
    from industrybrain.policies.models import Application
    from industrybrain.projects.models import Project
    from industrybrain.transform.models import ProcurementLot, Provider, Report

    allowed = {"简体中文"}
    allowed.update(Enterprise.objects.values_list("name", flat=True))
    allowed.update(Provider.objects.values_list("name", flat=True))
    allowed.update(ProcurementLot.objects.values_list("name", flat=True))
    for name, officer in Project.objects.values_list("name", "officer"):
        allowed.update((name, officer))
    allowed.update(Application.objects.values_list("statement", flat=True))
    allowed.update(Report.objects.values_list("findings", flat=True))
    for keywords in ChainSegment.objects.values_list("keywords", flat=True):
        allowed.update(keywords or ())
    for path in pack_dir("changzhou_2022").rglob("*.yaml"):
        if "tests" not in path.parts:
            allowed.update(_yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    # An article's title keeps its title marks: 《…》 is part of how it is cited.
    allowed.update(f"《{a}》" for a in list(allowed))
    return sorted((a for a in allowed if a and CHINESE.search(a)), key=len, reverse=True)


def leftovers(text: str, allowed: list[str]) -> set[str]:
    """The Chinese left in ``text`` once the allowed phrases are gone, each with its context."""
    for phrase in allowed:
        text = text.replace(phrase, "…")
    text = " ".join(text.split())
    return {f"{m.group()} ⟨{text[max(0, m.start() - 30):m.end() + 30]}⟩"
            for m in CHINESE.finditer(text)}


def test_the_scan_ignores_names_and_quotes_and_finds_the_rest():
    allowed = ["常州测试A机械有限公司", "实施“登峰计划”"]
    text = "常州测试A机械有限公司 · Source: “实施“登峰计划”” · Target 150家（倍增）"
    assert [run.split(" ⟨")[0] for run in leftovers(text, allowed)] == ["家（倍增）"]


def test_english_pages_show_no_chinese_beyond_names_and_quotes(client, world):
    pages = _pages(world)
    allowed = chinese_by_nature()
    found: dict[str, set[str]] = {}
    for user in world["people"].values():
        client.force_login(user)
        for name, url in pages.items():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            text = visible_text(response.content.decode())
            for run in leftovers(text, allowed):
                found.setdefault(name, set()).add(run)
    unexpected = {k: v for k, v in found.items() if k not in NOT_YET}
    assert not unexpected, "\n".join(f"{k}: {sorted(v)[:12]}" for k, v in sorted(unexpected.items()))
    clean = sorted(set(NOT_YET) & set(pages) - set(found))
    assert not clean, f"now in English: remove from NOT_YET {clean}"
