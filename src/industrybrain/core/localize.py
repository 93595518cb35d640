"""Names and titles in the reader's language: the data carry both (name_zh/name_en,
title_zh/title_en); Chinese is shown unless English is asked for and present."""

from django.utils.translation import get_language


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
