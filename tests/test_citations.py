"""Every citation in every pack quotes its article verbatim.

The pack check walks every YAML file under src/industrybrain/packs/ (policies, targets,
taxonomy, assumptions, test cases …), so a new file is checked without touching this test.
Without the seeds directory the check is skipped locally and fails in CI (CI=true), where
a silently skipped citation check would let a misquote through.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from industrybrain.packs import PACKS_DIR, pack_dir
from industrybrain.packs import citations as cit
from industrybrain.packs.citations import (
    check_citation,
    find_seeds_dir,
    iter_citations,
    iter_file_citations,
    strip_html,
    yaml_files,
)

PACK_FILES = yaml_files(PACKS_DIR)


def _seeds_or_skip() -> Path:
    seeds = find_seeds_dir()
    if seeds is None:
        message = (
            f"seeds directory not found (set {cit.SEEDS_ENV} or place ../shared/seeds "
            "next to the repository)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; CI must check every citation")
        pytest.skip(message)
    return seeds


# --- the packs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "yaml_file", PACK_FILES, ids=[str(p.relative_to(PACKS_DIR)) for p in PACK_FILES]
)
def test_every_citation_in_file_is_verbatim(yaml_file: Path) -> None:
    seeds = _seeds_or_skip()
    try:
        found = list(iter_file_citations(yaml_file))
    except yaml.YAMLError as exc:
        pytest.fail(f"{yaml_file.relative_to(PACKS_DIR)} is not valid YAML: {exc}")
    errors = []
    for c in found:
        error = check_citation(c.seed, c.quote, seeds)
        if error:
            errors.append(
                f"{c.file.relative_to(PACKS_DIR)}: {c.yaml_path}: seed={c.seed!r} "
                f"quote={c.quote!r}: {error}"
            )
    assert not errors, f"{len(errors)} bad citation(s):\n" + "\n".join(errors)


def test_the_changzhou_pack_has_citations() -> None:
    # Guards the walker itself: if it stopped finding citations, the test above would pass
    # on nothing.
    found = list(iter_citations(pack_dir("changzhou_2022")))
    assert len(found) > 100
    files = {c.file.name for c in found}
    assert {"taxonomy.yaml", "targets.yaml"} <= files


def test_pack_dir_refuses_paths() -> None:
    with pytest.raises(KeyError):
        pack_dir("../packs")
    with pytest.raises(KeyError):
        pack_dir("no_such_pack")


# --- stripping the article ------------------------------------------------------------


def test_strip_html_removes_inline_tags_and_unescapes() -> None:
    raw = '<p cms-style="x">地区生产总值达<font a="b">8807.6亿元</font>&amp;增长&#123;</p>'
    assert strip_html(raw) == "地区生产总值达8807.6亿元&增长{"


def test_strip_html_drops_comments_with_tags_inside() -> None:
    raw = "正文<!--ad[<p>举报/反馈</p>]ad-->结束"
    assert strip_html(raw) == "正文结束"


def test_strip_html_keeps_line_breaks_between_paragraphs() -> None:
    assert strip_html("<p>一</p>\n <p>二</p>") == "一\n 二"


@given(st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=50))
def test_strip_html_leaves_plain_text_alone(text: str) -> None:
    assert strip_html(text) == text


# --- checking one citation ------------------------------------------------------------


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    (tmp_path / "001_x.txt").write_text(
        "---\ntitle: t\n---\n<p>到2025年，集群规模达<b>6000亿元</b>。</p>\n<p>第二段</p>\n",
        encoding="utf-8",
    )
    return tmp_path


def test_check_citation_accepts_verbatim_quote(seeds: Path) -> None:
    assert check_citation("001_x.txt", "集群规模达6000亿元", seeds) is None


def test_check_citation_names_the_missing_quote(seeds: Path) -> None:
    error = check_citation("001_x.txt", "集群规模达7000亿元", seeds)
    assert error is not None and "集群规模达7000亿元" in error and "001_x.txt" in error


def test_check_citation_refuses_a_quote_across_lines(seeds: Path) -> None:
    error = check_citation("001_x.txt", "。\n第二段", seeds)
    assert error is not None and "line break" in error


@pytest.mark.parametrize(
    "seed, quote, fragment",
    [
        ("002_missing.txt", "第二段", "not found"),
        ("../001_x.txt", "第二段", "plain file name"),
        (None, "第二段", "no seed"),
        ("001_x.txt", "", "no quote"),
        ("001_x.txt", 6000, "no quote"),
    ],
)
def test_check_citation_reports_bad_input(seeds: Path, seed, quote, fragment) -> None:
    error = check_citation(seed, quote, seeds)
    assert error is not None and fragment in error


def test_find_seeds_dir_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(cit.SEEDS_ENV, str(tmp_path))
    assert find_seeds_dir() == tmp_path
    monkeypatch.setenv(cit.SEEDS_ENV, str(tmp_path / "absent"))
    assert find_seeds_dir() is None


def test_find_seeds_dir_defaults_next_to_the_repository(monkeypatch) -> None:
    monkeypatch.delenv(cit.SEEDS_ENV, raising=False)
    repo = next(p for p in Path(cit.__file__).resolve().parents if (p / "pyproject.toml").is_file())
    expected = repo.parent / "shared" / "seeds"
    assert find_seeds_dir() == (expected if expected.is_dir() else None)


# --- walking a pack -------------------------------------------------------------------


def test_iter_citations_finds_both_forms_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "a.yaml").write_text(
        "citation: {seed: s1, quote: q1}\n"
        "items:\n"
        "  - name: x\n"
        "    citations:\n"
        "      - {seed: s2, quote: q2}\n"
        "      - {seed: s3, quote: q3}\n"
        "    tiers:\n"
        "      - deep: {citation: {seed: s4, quote: q4}}\n",
        encoding="utf-8",
    )
    (tmp_path / "policies" / "p.yml").write_text(
        "citation: 'just a string'\ncitations: {seed: s5, quote: q5}\n", encoding="utf-8"
    )
    found = [(c.file.name, c.yaml_path, c.seed, c.quote) for c in iter_citations(tmp_path)]
    assert found == [
        ("a.yaml", "citation", "s1", "q1"),
        ("a.yaml", "items[0].citations[0]", "s2", "q2"),
        ("a.yaml", "items[0].citations[1]", "s3", "q3"),
        ("a.yaml", "items[0].tiers[0].deep.citation", "s4", "q4"),
        # Malformed citations come out with seed=None so that check_citation reports them.
        ("p.yml", "citation", None, "just a string"),
        ("p.yml", "citations", None, {"seed": "s5", "quote": "q5"}),
    ]
    assert all(check_citation(c.seed, c.quote) for c in iter_citations(tmp_path / "policies"))


def test_every_cited_article_is_named_by_its_title_not_its_file():
    """Pages show 《title》, outlet and date (pack.yaml `sources`), never the seed's file name;
    each title is the article's own (its front matter, quotes and underscores aside)."""
    import re

    seeds = _seeds_or_skip()
    meta = yaml.safe_load((pack_dir("changzhou_2022") / "pack.yaml").read_text(encoding="utf-8"))
    sources = {s["seed"]: s for s in meta["sources"]}
    cited = {c.seed for c in iter_citations(pack_dir("changzhou_2022")) if isinstance(c.seed, str)}
    assert cited <= set(sources), sorted(cited - set(sources))

    def bare(text):
        return re.sub(r"[\W_]", "", text)

    for seed, source in sources.items():
        head = (seeds / seed).read_text(encoding="utf-8")[:2000]
        title = re.search(r"^title:\s*['\"]?(.*?)['\"]?\s*$", head, re.M).group(1)
        assert bare(title) == bare(source["title"]), seed
        assert source["outlet"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["date"])
