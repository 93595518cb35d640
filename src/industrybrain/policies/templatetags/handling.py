"""{% handling_rights user as can %}: what the handling system's sub-navigation may offer,
from policies.access itself, so that it never offers a page that refuses the reader."""

from django import template

from industrybrain.policies import access

register = template.Library()


@register.simple_tag
def handling_rights(user) -> dict:
    review, audit = access.can_review(user), access.can_audit(user)
    return {"runs": review or access.can_run(user), "budgets": review or audit, "audit": audit}
