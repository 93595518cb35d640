"""A rule whose value passes what the engine computes (engine/errors.py: RangeError) reaches
the people who run it in its own words: the batch run records it as its error (no
traceback), the CLI prints it and exits non-zero, the calculator page says it (no 500)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from industrybrain.engine import load_pack
from industrybrain.engine.expr import parse
from industrybrain.engine.model import Policy, Tier
from industrybrain.policies import catalogue, jobs, runs

pytestmark = pytest.mark.django_db
WORDS = "政策「随机测试」的金额算式在企业"


@pytest.fixture
def overflowing(monkeypatch):
    """The pack with one policy whose amount, 150亿元 × 10⁹, passes 64 bits."""
    pack = load_pack("changzhou_2022")
    base = pack.policy("dengfeng")
    tier = Tier("t0", "档0", "tier 0", parse("is_manufacturing"), 10**12, "10000亿元",
                parse("revenue * 1000000000"))
    policy = Policy("random_rule", "随机测试", "random", "reward", "enterprise",
                    base.citations, base.effective_from, None, "policies/random_rule.yaml",
                    eligibility=parse("is_manufacturing"), tiers=(tier,))
    probe = pack.replace(policies=(policy,))
    monkeypatch.setattr(catalogue, "pack", lambda pack_id=None: probe)
    return probe


def test_the_batch_run_records_the_words_not_a_traceback(year2022, overflowing, client_as):
    run = runs.start(2022)
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert WORDS in run.error and "超出可计算的范围" in run.error
    assert "Traceback" not in run.error
    page = client_as("admin").get(reverse("policies:run", args=[run.pk]))
    assert page.status_code == 200
    assert WORDS in page.content.decode()


def test_the_cli_prints_the_words_and_exits_non_zero(year2022, overflowing, capsys):
    from industrybrain.policies.management.commands.evaluate import Command

    with pytest.raises(CommandError, match=WORDS):
        call_command("evaluate", "--pack", "changzhou_2022", "--year", "2022")
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["industrybrain", "evaluate", "--pack", "changzhou_2022",
                                 "--year", "2022", "--no-store", "--parquet", "/dev/null"])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert WORDS in err and "Traceback" not in err


def test_the_calculator_says_the_words(year2022, overflowing, client_as):
    a = year2022["a"]
    page = client_as("admin").get(reverse("policies:calculator_for", args=[a.pk]) +
                                  "?year=2022")
    assert page.status_code == 200
    assert WORDS in page.content.decode()
