"""docs/calibration.md carries the tables the code generates (no drift)."""

from pathlib import Path

import pytest

from industrybrain.synth.report import BEGIN, END, generated_section

DOC = Path(__file__).resolve().parents[4] / "docs" / "calibration.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/calibration.md not in this checkout")
def test_calibration_doc_is_up_to_date(city):
    text = DOC.read_text("utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == generated_section(city), (
        "regenerate: python -m industrybrain.synth.report --write docs/calibration.md")
