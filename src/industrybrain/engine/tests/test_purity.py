"""The engine is pure Python: importing it loads no Django and no web layer."""

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]


def test_engine_imports_no_django():
    code = (
        f"import sys; sys.path.insert(0, {str(SRC)!r})\n"
        "import industrybrain.engine as e\n"
        "pack = e.load_pack('changzhou_2022')\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')\n"
        "             or m.startswith('industrybrain.web') or m.startswith('rest_framework'))\n"
        "print(','.join(bad))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_engine_sources_never_import_the_web_layer():
    engine = SRC / "industrybrain" / "engine"
    for path in engine.rglob("*.py"):
        if path.name == "test_purity.py":  # this file names the words it looks for
            continue
        text = path.read_text(encoding="utf-8")
        words = ["import django", "from django", "industrybrain.web"]
        if path.parent.name != "tests":  # tests write hostile expressions such as eval(1)
            words += ["eval(", "exec("]
        for word in words:
            assert word not in text, f"{path}: {word}"
