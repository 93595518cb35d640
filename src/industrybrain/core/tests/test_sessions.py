"""Sessions read with one plain query (core.sessions) end as Django's do: at sign-out for
every copy of the cookie, and at their expiry."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in():
    user = get_user_model().objects.create_user("reader", password="pw-reader-long")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code in (200, 302)
    return client


def _copy(client) -> Client:
    thief = Client()
    thief.cookies = client.cookies
    return thief


def _signed_in(client) -> bool:
    return not client.get("/policies/calculator/").url.startswith("/login/")


def test_a_signed_out_session_is_refused_to_a_copy_of_its_cookie(signed_in):
    thief = _copy(signed_in)
    assert _signed_in(thief)
    signed_in.post("/logout/")
    assert not _signed_in(thief)


def test_an_expired_session_is_refused(signed_in):
    assert _signed_in(signed_in)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert not _signed_in(signed_in)


def test_a_session_keeps_what_was_written_in_it(signed_in):
    signed_in.get("/", HTTP_ACCEPT_LANGUAGE="en")
    session = signed_in.session
    session["seen"] = [1, "二"]
    session.save()
    assert signed_in.session["seen"] == [1, "二"]
