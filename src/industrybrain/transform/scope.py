"""Who sees what in 智改数转, declared to core.scope (the only place that decides visibility).

A provider's staff see the enterprises assigned to their provider (a cancelled assignment
no longer counts); a lender sees no enterprise page, only the key-client list
(:func:`can_read_lender_list`); city-wide roles and district officers see the programme
within their scope."""

from __future__ import annotations

from industrybrain.core.scope import CITY_WIDE_ROLES, role_of


def provider_of(user):
    """The provider a user works for, or None."""
    membership = getattr(user, "provider_membership", None) if user.is_authenticated else None
    return membership.provider if membership else None


def provider_enterprise_ids(user):
    from .models import Diagnosis

    return (Diagnosis.objects.filter(provider__members__user=user)
            .exclude(status=Diagnosis.Status.CANCELLED).values("enterprise_id"))


def can_manage(user) -> bool:
    """The city administrator runs the programme: lots, providers, batch assignments."""
    return role_of(user) == "city_admin"


def can_read_lender_list(user) -> bool:
    return role_of(user) in CITY_WIDE_ROLES | {"lender"}


def can_see_programme(user) -> bool:
    """The programme's statistics and lists: city-wide roles and district officers."""
    return role_of(user) in CITY_WIDE_ROLES | {"district_officer"}
