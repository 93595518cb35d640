"""A run writes its award messages in batches (each policy's title, each amount's heading,
each tier's line written once per batch): every message must read exactly as the message
of that award written on its own, in both languages."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from industrybrain.policies import catalogue, push
from industrybrain.policies.models import Message

WORDS = ("title", "body", "title_en", "body_en")


def _money_policies():
    return [p for p in catalogue.pack().policies if catalogue.carries_money(p)]


@st.composite
def award_rows(draw):
    p = draw(st.sampled_from(_money_policies()))
    tiers = [t.id for t in p.tiers]
    tier = draw(st.sampled_from([None, "", *tiers, "+".join(tiers[:2]) or "x+y"]))
    # A few amounts, so that rows of a batch share headings; None as an unknown amount.
    amount = draw(st.one_of(st.none(), st.sampled_from([1, 9_999, 2_000_000, 10**8]),
                            st.integers(1, 10**12)))
    text = st.one_of(st.none(), st.just(""), st.text(max_size=40))
    return p, {"enterprise_id": draw(st.integers(1, 10**6)), "tier": tier,
               "amount_yuan": amount, "explanation_zh": draw(text),
               "explanation_en": draw(text)}


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(award_rows(), max_size=12), year=st.integers(2018, 2030))
def test_a_batch_of_award_messages_reads_as_each_message_written_alone(items, year):
    rows = push.award_messages(year, items)
    assert len(rows) == len(items)
    for (p, r), row in zip(items, rows, strict=True):
        got = dict(zip(push.AWARD_MESSAGE_COLUMNS, row, strict=True))
        alone = push.award_message(year, p, r)
        assert got == {"enterprise_id": r["enterprise_id"], "kind": Message.Kind.AWARD,
                       "policy_id": p.id, "year": year,
                       **{w: getattr(alone, w) for w in WORDS}}


@pytest.mark.django_db
def test_a_runs_stored_award_messages_read_as_written_alone(proposed, year2022):
    """End to end: each stored award message is the one its award gives on its own (its
    amount, tier and explanation), in both languages; the English words are English."""
    from industrybrain.policies.models import Award

    awards = Award.objects.filter(year=2022, status="proposed")
    assert awards.count() >= 2
    for a in awards:
        m = Message.objects.get(enterprise_id=a.enterprise_id, kind="award",
                                policy_id=a.policy_id, year=2022)
        alone = push.award_message(2022, catalogue.policy(a.policy_id), {
            "enterprise_id": a.enterprise_id, "tier": a.tier, "amount_yuan": a.amount_yuan,
            "explanation_zh": a.explanation_zh, "explanation_en": a.explanation_en})
        assert [getattr(m, w) for w in WORDS] == [getattr(alone, w) for w in WORDS]
        assert m.delivered_at is not None and not m.read_at
    a = proposed["a"]
    m = Message.objects.get(enterprise_id=a.enterprise_id, kind="award", policy_id="dengfeng")
    assert "200.00 万元" in m.title and "CNY 2.00 million" in m.title_en
    assert "Tier: " in m.body_en and "档位：" in m.body and "档位" not in m.body_en
