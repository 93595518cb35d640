"""The awards of a year by status, as the handling system's front page and the cockpit
show them: one query, so that both pages give the same counts and sums."""

from django.db.models import Count, Sum

from industrybrain.policies import access
from industrybrain.policies.models import Award


def by_status(user, year: int) -> list[dict]:
    """[{status, label, n, s}] for the awards ``user`` may see in ``year``, in the order of
    the statuses; ``s`` is the sum of amounts in 元 (None where no amount is known)."""
    rows = {r["status"]: r for r in access.awards(user).filter(year=year).values("status")
            .annotate(n=Count("id"), s=Sum("amount_yuan"))}
    return [{**rows[status], "label": str(label)} for status, label in Award.Status.choices
            if status in rows]
