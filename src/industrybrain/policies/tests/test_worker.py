"""The worker and a run's liveness, in process (issue 10.5, 10.6): a transient database error
on claim does not stop the worker; a slow live run keeps its heartbeat and is not reaped; a
reused PID is not mistaken for the live owner; an officer cancels a queued or running run
from the page, audited, and the worker stops writing to it."""

import os
import threading
import time

import pytest
from django.db import connection, connections

from industrybrain.core.models import AuditEvent
from industrybrain.policies import jobs, liveness, runs
from industrybrain.policies.models import Award, Message, Run


@pytest.fixture
def reference_again(transactional_db):
    # A transactional test ends with a flush, reference data included: load it again.
    from industrybrain.enterprises.reference import load_reference

    load_reference()


def _hold_a_lock_then_let_go(seconds):
    """Another connection makes the database refuse the worker for a while, as a restarting
    PostgreSQL (its session is terminated) or a locked SQLite table (shared cache) does."""
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict

        def restart():  # every session of the test database is cut, again and again
            with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                                 user=settings["USER"], dbname=settings["NAME"],
                                 autocommit=True) as other:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    other.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    time.sleep(0.02)

        thread = threading.Thread(target=restart)
        thread.start()
        time.sleep(0.2)
        return thread

    ready = threading.Event()

    def hold():
        con = connections.create_connection("default")
        try:
            con.ensure_connection()
            con.connection.execute("BEGIN IMMEDIATE")
            con.connection.execute("UPDATE policies_run SET progress = progress")
            ready.set()
            time.sleep(seconds)
            con.connection.execute("COMMIT")
        finally:
            con.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(10)
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_transient_database_error_on_claim_does_not_stop_the_worker(reference_again, year2022,
                                                                   settings):
    settings.IB_JOBS = "worker"
    settings.IB_RUN_HEARTBEAT_SECONDS = 60  # no heartbeat thread writes during this test
    run = runs.start(2022)
    holder = _hold_a_lock_then_let_go(1.5)
    lines = []
    jobs.work(poll=0.2, log=lines.append, max_polls=20)
    if holder is not None:
        holder.join()
    assert any("database unavailable" in line and "OperationalError" in line for line in lines), lines
    run.refresh_from_db()
    assert run.status == "done", (run.error, lines)  # it retried, claimed and ran it
    assert Award.objects.filter(run=run).exists()


@pytest.mark.django_db(transaction=True)
def test_a_slow_live_run_keeps_its_heartbeat_and_is_not_reaped(reference_again, year2022, settings,
                                                               monkeypatch):
    settings.IB_RUN_HEARTBEAT_SECONDS = 0.2  # stale after 0.6 s
    seen = {}

    def slow(run, phase, index):
        if phase == "create" and not seen:
            time.sleep(1.5)  # longer than the stale limit, but the heartbeat thread beats
            seen["reaped"] = liveness.reap()
            seen["run"] = Run.objects.get(pk=run.pk)

    monkeypatch.setattr(runs, "chunk_hook", slow)
    run = runs.start(2022)
    finished = runs.execute(run.pk)
    assert seen["reaped"] == 0 and seen["run"].status == "running"
    assert (seen["run"].heartbeat - seen["run"].started_at).total_seconds() > 1
    assert finished.status == "done"


@pytest.mark.django_db
def test_a_reused_pid_is_not_the_live_owner():
    me = liveness.me()
    host, pid, start = me.split(":")
    assert not liveness.gone(me)
    assert liveness.gone(f"{host}:{pid}:{int(start or 0) + 1}")  # PID 1 after a restart
    assert liveness.gone(f"{host}:999999999:1")
    assert not liveness.gone(f"another-host:{os.getpid()}:1")  # only its heartbeat can tell


@pytest.mark.django_db
def test_a_silent_run_is_failed_with_the_reason(year2022, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.IB_RUN_HEARTBEAT_SECONDS = 1
    old = timezone.now() - timedelta(seconds=10)
    Run.objects.create(pack_id="changzhou_2022", year=2022, status="running",
                       worker="another-host:1:1", heartbeat=old, started_at=old)
    assert liveness.reap() == 1
    run = Run.objects.get()
    assert run.status == "failed" and "心跳中断" in run.error and "another-host" in run.error


@pytest.mark.django_db
def test_an_officer_cancels_a_queued_run_from_the_page(year2022, client_as, settings):
    settings.IB_JOBS = "worker"
    run = runs.start(2022)
    page = client_as("admin").get(f"/policies/runs/{run.pk}/").content.decode()
    assert "取消测算" in page
    assert client_as("reviewer").post(f"/policies/runs/{run.pk}/cancel/").status_code == 403
    client_as("admin").post(f"/policies/runs/{run.pk}/cancel/")
    run.refresh_from_db()
    assert run.status == "cancelled" and "admin" in run.error
    assert AuditEvent.objects.filter(action="run_cancel", object_id=str(run.pk)).exists()
    assert runs.start(2022).status == "queued"  # the year is free again
    assert runs.execute(run.pk) is None  # and nobody runs the cancelled one


@pytest.mark.django_db
def test_a_running_run_cancelled_stops_at_its_next_checkpoint(year2022, users, monkeypatch):
    def cancel_midway(run, phase, index):
        runs.cancel(run.pk, users["admin"])

    monkeypatch.setattr(runs, "chunk_hook", cancel_midway)
    monkeypatch.setattr(runs, "CHUNK", 1)
    run = runs.execute(runs.start(2022).pk)
    assert run.status == "cancelled" and run.stage != "done"
    # It stopped before writing: nothing after the cancel (the chunk that found the run
    # cancelled was rolled back with it), and the run was not overwritten.
    assert Award.objects.count() == 0 and not Message.objects.exists()


@pytest.mark.django_db
def test_a_payment_whose_mail_cannot_go_out_is_paid_and_mailed_later(proposed, users, settings,
                                                                     mailoutbox):
    """The paid message commits with the payment; a mail server that is down (a real SMTP
    connection refused on a closed port) delays it, and the next delivery sends it once."""
    from industrybrain.policies import ledger, push
    from industrybrain.policies.models import LedgerEntry, Message

    users["owner_a"].email = "finance@a.example"
    users["owner_a"].save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    push.deliver()  # the run's own messages went out already; nothing is left
    assert ledger.approve(proposed["a"].pk, users["reviewer"]) == "paid"
    assert LedgerEntry.objects.filter(award=proposed["a"]).exists()
    paid = Message.objects.get(kind="paid", enterprise=proposed["a"].enterprise)
    assert paid.delivered_at is None  # kept in the outbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert push.deliver() == (1, 1) and push.deliver() == (0, 0)
    assert [m.subject for m in mailoutbox if "已拨付" in m.subject] == [paid.title]
