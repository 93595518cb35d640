"""Data versions: a change and its version become visible together, and what is kept per
version is computed again after every change, per scope and per language."""

import threading

import pytest
from django.db import transaction
from django.utils import translation

from industrybrain.core import dataversion
from industrybrain.core.dataversion import AWARDS, ENTERPRISES, TARGETS

pytestmark = pytest.mark.django_db


def test_a_bump_changes_its_kind_only():
    before = {k: dataversion.current([k]) for k in dataversion.KINDS}
    dataversion.bump(ENTERPRISES)
    assert dataversion.current([ENTERPRISES]) != before[ENTERPRISES]
    assert dataversion.current([AWARDS]) == before[AWARDS]
    assert dataversion.current([TARGETS]) == before[TARGETS]
    both = dataversion.current([ENTERPRISES, TARGETS])
    dataversion.bump(TARGETS)
    assert dataversion.current([TARGETS, ENTERPRISES]) != both


def test_every_bump_is_a_new_version():
    seen = {dataversion.current([AWARDS])}
    for _ in range(5):
        dataversion.bump(AWARDS)
        seen.add(dataversion.current([AWARDS]))
    assert len(seen) == 6


def test_a_rolled_back_change_leaves_the_version_as_it_was():
    dataversion.bump(ENTERPRISES)
    before = dataversion.current([ENTERPRISES])
    with pytest.raises(RuntimeError), transaction.atomic():
        dataversion.bump(ENTERPRISES)
        raise RuntimeError("the change failed")
    assert dataversion.current([ENTERPRISES]) == before


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown data kind"):
        dataversion.bump("enterprise")


def test_remember_computes_once_per_version_scope_and_language():
    calls = []

    def compute(tag):
        calls.append(tag)
        return f"{tag} #{len(calls)}"

    def ask(scope, tag="x"):
        return dataversion.remember("t", [ENTERPRISES, TARGETS], scope, lambda: compute(tag))

    first = ask("city")
    assert ask("city") == first and len(calls) == 1
    district = ask("district_officer:3")
    assert district != first and len(calls) == 2  # another scope never reads the city's
    with translation.override("en"):
        english = ask("city")
    assert english not in (first, district) and len(calls) == 3
    dataversion.bump(TARGETS)
    assert ask("city") != first and len(calls) == 4
    dataversion.bump(AWARDS)  # not a kind it reads
    assert len({ask("city"), ask("city")}) == 1 and len(calls) == 4


@pytest.mark.django_db(transaction=True)
def test_users_asking_at_once_for_a_new_version_cost_one_computation(monkeypatch):
    from django.core.cache import cache

    misses = threading.Semaphore(0)
    looked = threading.local()
    release = threading.Event()
    calls, answers = [], []

    class Watched:
        """The real cache; each first look-up of a user is counted, so that the first
        user finishes computing only once every other user has missed too."""

        def get(self, key):
            value = cache.get(key)
            if value is None and not getattr(looked, "once", False):
                looked.once = True
                misses.release()
            return value

        def set(self, *args, **kwargs):
            cache.set(*args, **kwargs)

    monkeypatch.setattr(dataversion, "cache", Watched())

    def compute():
        calls.append(1)
        release.wait(20)
        return "figures"

    def user():
        try:
            answers.append(dataversion.remember("t", [ENTERPRISES], "city", compute))
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=user) for _ in range(8)]
    for t in threads:
        t.start()
    for _ in range(8):
        assert misses.acquire(timeout=20)  # all eight missed the cache
    release.set()
    for t in threads:
        t.join(20)
    assert answers == ["figures"] * 8 and len(calls) == 1
