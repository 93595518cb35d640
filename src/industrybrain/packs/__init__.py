"""Policy packs: a jurisdiction's policies, targets and taxonomy as data (YAML).

Each pack is a directory under :data:`PACKS_DIR` (``changzhou_2022`` …), laid out like an
OpenFisca country package; see ``/work/shared/DESIGN.md`` §2 and §4.
"""

from pathlib import Path

PACKS_DIR = Path(__file__).resolve().parent


def pack_dir(name: str) -> Path:
    """Return the directory of the pack called ``name``; raise ``KeyError`` if there is none."""
    # A name is a single directory name: refuse anything that could walk out of PACKS_DIR.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise KeyError(f"not a pack name: {name!r}")
    path = PACKS_DIR / name
    if not path.is_dir():
        raise KeyError(f"no pack {name!r} in {PACKS_DIR}")
    return path
