"""The generated tables have exactly the columns and Arrow types of docs/data-contract.md."""

import re
from pathlib import Path

import pytest

from industrybrain.synth import contract

CONTRACT = Path(__file__).resolve().parents[4] / "docs" / "data-contract.md"


def contract_tables() -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, first type word)]} read from the markdown."""
    tables, current = {}, None
    for line in CONTRACT.read_text("utf-8").splitlines():
        heading = re.match(r"## (\w+)", line)
        if heading:
            current = heading.group(1)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current and len(cells) == 3 and cells[0] not in ("column", "") and not cells[0].startswith("-"):
            word = re.split(r"[ ,(]", cells[1])[0]
            tables.setdefault(current, []).append((cells[0], word))
    return tables


@pytest.mark.skipif(not CONTRACT.exists(), reason="docs/data-contract.md not in this checkout")
@pytest.mark.parametrize("name", ["enterprises", "figures", "designations"])
def test_schema_matches_the_markdown_contract(name):
    schema = getattr(contract, name.upper())
    expected = contract_tables()[name]
    assert [f.name for f in schema] == [c for c, _ in expected]
    assert [contract.CONTRACT_TYPE_WORDS[f.type] for f in schema] == [w for _, w in expected]


def test_generated_tables_have_the_contract_schemas(city):
    assert city.enterprises.schema == contract.ENTERPRISES
    assert city.figures.schema == contract.FIGURES
    assert city.designations.schema == contract.DESIGNATIONS
