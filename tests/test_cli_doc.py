"""docs/cli.md is generated from the commands; it must say what the code does."""

import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_the_cli_reference_matches_the_commands():
    generated = subprocess.run(
        [sys.executable, "-m", "industrybrain.clidoc"], capture_output=True, text=True,
        check=True,
    ).stdout
    assert generated == DOC.read_text(encoding="utf-8"), (
        "docs/cli.md is out of date: python -m industrybrain.clidoc > docs/cli.md"
    )


def test_every_verb_is_documented():
    from industrybrain.cli import VERBS

    text = DOC.read_text(encoding="utf-8")
    for verb in VERBS:
        assert f"## `industrybrain {verb}`" in text
