"""The English catalogue is complete and honest (docs/i18n.md).

Source strings are Chinese; English comes from src/industrybrain/web/locale/en/LC_MESSAGES.
These tests fail, naming the string, when UI text is added without a translation, when an
entry is left empty or fuzzy, when a translation loses a placeholder, or when the committed
django.mo was not recompiled after the django.po changed.
"""

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

import industrybrain

PACKAGE = Path(industrybrain.__file__).resolve().parent
LOCALE = PACKAGE / "web" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
FIX = "make messages, translate the new entries in django.po, then compile (docs/i18n.md)"


# --- a tiny .po reader ------------------------------------------------------------------

@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # plural index (0 for singular) -> text
    flags: set = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self):
        """The key GNU gettext uses in a compiled catalogue."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def __str__(self):
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"django.po line {self.line}: {self.msgid!r}{context}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a PO string: {text}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text[1:-1])


def parse_po(text: str) -> tuple[Entry, list[Entry]]:
    """The header entry and the other entries, in file order."""
    entries, entry, current = [], None, None

    def close():
        if entry is not None and (entry.msgid or entry.msgstr or entry.msgctxt is not None):
            entries.append(entry)

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            close()
            entry, current = None, None
            continue
        if line.startswith("#"):
            if entry is not None and current is not None:  # a comment after the strings
                close()
                entry, current = None, None
            entry = entry or Entry(number)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if match := _KEYWORD.match(line):
            keyword, index, string = match.groups()
            if keyword in ("msgctxt", "msgid") and entry is not None and current is not None \
                    and current.startswith("msgstr"):
                close()
                entry = None
            entry = entry or Entry(number)
            entry.obsolete = entry.obsolete or obsolete
            current = keyword if index is None else f"msgstr[{index}]"
            value = _unquote(string)
            if keyword == "msgctxt":
                entry.msgctxt = value
            elif keyword == "msgid":
                entry.msgid, entry.line = value, number
            elif keyword == "msgid_plural":
                entry.msgid_plural = value
            else:
                entry.msgstr[int(index or 0)] = value
        elif line.startswith('"') and entry is not None and current is not None:
            value = _unquote(line)
            if current == "msgctxt":
                entry.msgctxt += value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural += value
            else:
                index = int(current[7:-1]) if current.startswith("msgstr[") else 0
                entry.msgstr[index] += value
        else:
            raise AssertionError(f"django.po line {number}: cannot read {raw!r}")
    close()
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, "django.po must have exactly one header entry (msgid \"\")"
    return headers[0], [e for e in entries if e is not headers[0]]


@pytest.fixture(scope="module")
def catalogue():
    assert PO.exists(), f"{PO} is missing: {FIX}"
    return parse_po(PO.read_text(encoding="utf-8"))


def _nplurals(header: Entry) -> int:
    match = re.search(r"^Plural-Forms:.*nplurals\s*=\s*(\d+)", header.msgstr.get(0, ""), re.M)
    assert match, "the django.po header has no Plural-Forms"
    return int(match[1])


# --- (a) the catalogue is complete --------------------------------------------------------

def test_catalogue_is_where_django_looks():
    assert Path(settings.LOCALE_PATHS[0]).resolve() == LOCALE
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            assert (LOCALE / code / "LC_MESSAGES" / "django.po").exists(), code


def test_header_is_english_and_not_fuzzy(catalogue):
    header, _entries = catalogue
    assert "fuzzy" not in header.flags, "remove '#, fuzzy' from the django.po header"
    assert re.search(r"^Language: en$", header.msgstr[0], re.M)
    assert re.search(r"^Content-Type: text/plain; charset=UTF-8$", header.msgstr[0], re.M)
    assert _nplurals(header) == 2


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    header, entries = catalogue
    assert entries, "django.po has no entries"
    forms = _nplurals(header)
    problems = []
    for entry in entries:
        if entry.obsolete:
            problems.append(f"{entry}: obsolete (#~) entry left in the file")
        if "fuzzy" in entry.flags:
            problems.append(f"{entry}: fuzzy")
        wanted = range(forms) if entry.msgid_plural is not None else range(1)
        for index in wanted:
            if not entry.msgstr.get(index, "").strip():
                problems.append(f"{entry}: msgstr[{index}] is empty")
    assert not problems, f"{len(problems)} untranslated entries ({FIX}):\n" + "\n".join(problems)


def test_msgids_are_unique(catalogue):
    _header, entries = catalogue
    keys = [e.key for e in entries if not e.obsolete]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, duplicates


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\s*(\w*)\s*\}")


def _placeholders(text: str) -> list[str]:
    text = text.replace("%%", "")
    return sorted(m[0] for m in _PLACEHOLDER.finditer(text))


def test_translations_keep_placeholders(catalogue):
    _header, entries = catalogue
    problems = []
    for entry in entries:
        for index, text in entry.msgstr.items():
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if _placeholders(source) != _placeholders(text):
                problems.append(f"{entry}: msgstr[{index}] {text!r} has {_placeholders(text)}, "
                                f"the source has {_placeholders(source)}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


# --- (b) the committed .mo says what the .po says ------------------------------------------

def test_compiled_catalogue_matches_the_po(catalogue):
    assert MO.exists(), f"{MO} is missing: run compilemessages and commit it ({FIX})"
    _header, entries = catalogue
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr.get(0, "")
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    stale = [f"{k!r}: .mo has {compiled.get(k)!r}, .po has {v!r}"
             for k, v in expected.items() if compiled.get(k) != v]
    extra = [repr(k) for k in compiled if k != "" and k not in expected]
    assert not stale and not extra, (
        "django.mo is out of date with django.po; run compilemessages and commit the .mo\n"
        + "\n".join(stale + [f"{k}: only in .mo" for k in extra])
    )


# --- (c) every translatable string in the source is in the catalogue -------------------------

TEMPLATE_SUFFIXES = {".html", ".txt"}
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_TRANS_TAG = re.compile(r"\{%\s*(?:trans|translate)\s+(" + _STRING + r")(.*?)%\}", re.S)
_TEMPLATE_UNDERSCORE = re.compile(r"\b_\(\s*(" + _STRING + r")\s*\)")
_BLOCK_TAG = re.compile(
    r"\{%\s*(?:blocktrans|blocktranslate)\b(.*?)%\}(.*?)\{%\s*end(?:blocktrans|blocktranslate)\s*%\}",
    re.S,
)
_CONTEXT = re.compile(r"\bcontext\s+(" + _STRING + r")")
_PLURAL_TAG = re.compile(r"\{%\s*plural\s*%\}")
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_TRIM = re.compile(r"\s*\n\s*")

GETTEXT_FUNCTIONS = {
    # name -> (index of msgid, index of msgid_plural or None, index of context or None)
    "gettext": (0, None, None), "gettext_lazy": (0, None, None), "gettext_noop": (0, None, None),
    "ngettext": (0, 1, None), "ngettext_lazy": (0, 1, None),
    "pgettext": (1, None, 0), "pgettext_lazy": (1, None, 0),
    "npgettext": (1, 2, 0), "npgettext_lazy": (1, 2, 0),
}


def _literal(quoted: str) -> str:
    return quoted[1:-1].replace("\\" + quoted[0], quoted[0])


def _blocktrans_body(text: str, trimmed: bool) -> str:
    text = text.replace("%", "%%")
    text = _VARIABLE.sub(lambda m: f"%({m[1]})s", text)
    return _TRIM.sub(" ", text.strip()) if trimmed else text


def template_strings(path: Path):
    """(line, context, msgid, msgid_plural) for every translatable string of one template."""
    text = path.read_text(encoding="utf-8", errors="replace")

    def line_of(offset):
        return text.count("\n", 0, offset) + 1

    for match in _TRANS_TAG.finditer(text):
        context = _CONTEXT.search(match[2])
        yield (line_of(match.start()), _literal(context[1]) if context else None,
               _literal(match[1]).replace("%", "%%"), None)
    for match in _TEMPLATE_UNDERSCORE.finditer(text):
        yield line_of(match.start()), None, _literal(match[1]).replace("%", "%%"), None
    for match in _BLOCK_TAG.finditer(text):
        options, body = match[1], match[2]
        trimmed = re.search(r"\btrimmed\b", options) is not None
        context = _CONTEXT.search(options)
        parts = _PLURAL_TAG.split(body, maxsplit=1)
        singular = _blocktrans_body(parts[0], trimmed)
        plural = _blocktrans_body(parts[1], trimmed) if len(parts) > 1 else None
        yield line_of(match.start()), _literal(context[1]) if context else None, singular, plural


def _argument(call: ast.Call, index: int | None):
    """The literal string at that position, a ValueError for an f-string, else None."""
    if index is None or index >= len(call.args):
        return None
    value = call.args[index]
    if isinstance(value, ast.JoinedStr):
        return ValueError("f-string")
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def python_strings(path: Path):
    """(line, context, msgid, msgid_plural) for each gettext call with literal arguments,
    and a problem for each call whose message is an f-string (xgettext cannot extract it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases, modules = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for name in node.names:
                if name.name in GETTEXT_FUNCTIONS:
                    aliases[name.asname or name.name] = name.name
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules |= {n.asname or n.name for n in node.names if n.name == "translation"}
        elif isinstance(node, ast.Import):
            modules |= {n.asname for n in node.names
                        if n.name == "django.utils.translation" and n.asname}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = None
        if isinstance(node.func, ast.Name):
            function = aliases.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in modules and node.func.attr in GETTEXT_FUNCTIONS:
            function = node.func.attr
        if function is None:
            continue
        msgid, plural, context = (_argument(node, i) for i in GETTEXT_FUNCTIONS[function])
        if isinstance(msgid, ValueError) or isinstance(plural, ValueError):
            yield node.lineno, None, ValueError(f"{function}() of an f-string cannot be translated"), None
        elif msgid is not None:
            yield node.lineno, context, msgid, plural


def source_files():
    for path in sorted(PACKAGE.rglob("*")):
        parts = set(path.relative_to(PACKAGE).parts)
        if "__pycache__" in parts or any(p.startswith(".") for p in parts) or not path.is_file():
            continue
        if path.suffix == ".py":
            yield path, python_strings
        elif path.suffix in TEMPLATE_SUFFIXES:
            yield path, template_strings


def test_source_strings_are_in_the_catalogue(catalogue):
    _header, entries = catalogue
    known = {(e.msgctxt, e.msgid): e for e in entries if not e.obsolete}
    problems, found = [], 0
    for path, extract in source_files():
        where = path.relative_to(PACKAGE.parent.parent) if PACKAGE.parent.parent in path.parents else path
        for line, context, msgid, plural in extract(path):
            if isinstance(msgid, ValueError):
                problems.append(f"{where}:{line}: {msgid}")
                continue
            found += 1
            entry = known.get((context, msgid))
            if entry is None:
                problems.append(f"{where}:{line}: {msgid!r} is not in django.po")
            elif plural is not None and entry.msgid_plural != plural:
                problems.append(f"{where}:{line}: {msgid!r} has plural {plural!r} in the source, "
                                f"{entry.msgid_plural!r} in django.po")
            elif plural is None and entry.msgid_plural is not None:
                problems.append(f"{where}:{line}: {msgid!r} is plural in django.po, not in the source")
            elif "fuzzy" in entry.flags or not entry.msgstr.get(0, "").strip():
                problems.append(f"{where}:{line}: {msgid!r} is in django.po but not translated")
    assert found > 50, f"the extractor found only {found} strings; is it still reading the source?"
    assert not problems, f"{len(problems)} strings need the catalogue ({FIX}):\n" + "\n".join(problems)


def test_the_extractor_reads_django_syntax(tmp_path):
    """The regexes above mirror makemessages for the forms this project uses."""
    page = tmp_path / "page.html"
    page.write_text(
        "{% trans \"甲\" %}{% translate '乙' %}{% trans \"丙\" context \"菜单\" %}"
        "{{ x|default:_(\"丁\") }}{% blocktrans with year=y %}{{ year }}年 100%{% endblocktrans %}"
        "{% blocktrans count n=k %}共 {{ n }} 家{% plural %}共 {{ n }} 家{% endblocktrans %}"
        "{% blocktranslate trimmed %}\n  一\n  二\n{% endblocktranslate %}",
        encoding="utf-8",
    )
    assert [s[1:] for s in template_strings(page)] == [
        (None, "甲", None), (None, "乙", None), ("菜单", "丙", None), (None, "丁", None),
        (None, "%(year)s年 100%%", None), (None, "共 %(n)s 家", "共 %(n)s 家"), (None, "一 二", None),
    ]
    module = tmp_path / "module.py"
    module.write_text(
        "from django.utils.translation import gettext_lazy as _, ngettext, pgettext\n"
        "A = _('甲' '乙')\nB = ngettext('%(n)s 个', '%(n)s 个', 2)\nC = pgettext('菜单', '丙')\n"
        "D = _(f'{A}')\nfor _x in range(2):\n    pass\n",
        encoding="utf-8",
    )
    found = list(python_strings(module))
    assert {(s[1], s[2], s[3]) for s in found if not isinstance(s[2], ValueError)} == {
        (None, "甲乙", None), (None, "%(n)s 个", "%(n)s 个"), ("菜单", "丙", None)
    }
    assert sum(isinstance(s[2], ValueError) for s in found) == 1


# --- (d) the running site speaks both languages ---------------------------------------------

@pytest.mark.django_db
def test_home_page_in_english_by_accept_language(client_as):
    client = client_as("admin")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert ">Cockpit<" in page and ">Enterprises<" in page and ">Target monitor<" in page
    assert "驾驶舱" not in page


@pytest.mark.django_db
def test_home_page_in_english_by_language_cookie(client_as):
    client = client_as("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert ">Cockpit<" in page and "驾驶舱" not in page


@pytest.mark.django_db
def test_home_page_in_chinese_by_default(client_as):
    client = client_as("admin")
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in page
    assert ">驾驶舱<" in page and ">企业库<" in page
    assert "Cockpit" not in page
