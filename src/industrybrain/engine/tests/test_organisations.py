"""The cluster's cumulative 2000万元 cap: a cut award's explanation states what is paid."""

from datetime import date

from industrybrain.engine import evaluate_organisations, load_pack

PACK = load_pack("changzhou_2022")

# A promotion body (100万元) and three reviewed platforms (200万元 each) in one new national
# cluster that was paid 1750万元 before: the body is paid in full, platform 2 is cut to 150万元,
# platform 3 to 0, platform 4 is in no cluster and uncapped.
ORGS = {"org_id": [1, 2, 3, 4], "name": ["a", "b", "c", "d"],
        "kind": ["promotion_body", "platform", "platform", "platform"],
        "cluster": ["new_energy", "new_energy", "new_energy", None],
        "national_cluster_on": [date(2022, 3, 1)] * 3 + [None],
        "reviewed": [True, True, True, True]}
PRIOR = {"cluster": ["new_energy"], "amount_yuan": [17_500_000]}


def cut_rows(table):
    return {r["org_id"]: r for r in table.to_pylist() if r["cap_bound"]}


def check_cut_explanations(table):
    rows = cut_rows(table)
    assert sorted(rows) == [2, 3]
    expected = {2: ("150万元", "CNY 1.5 m"), 3: ("0元", "CNY 0")}
    for org, (paid_zh, paid_en) in expected.items():
        row = rows[org]
        zh, en = row["explanation_zh"], row["explanation_en"]
        assert row["amount_yuan"] == {2: 1_500_000, 3: 0}[org]
        # The award is the amount paid, bound by the cluster's cap, with the uncut amount.
        assert f"奖励 {paid_zh}（受单个集群累计上限 2000万元 约束，核减前 200万元；" in zh
        assert (f"award {paid_en} (bound by the cluster's cumulative cap of CNY 20 m, "
                f"CNY 2 m before the cut;") in en
        assert "奖励 200万元" not in zh and "award CNY 2 m" not in en
        assert zh.startswith("受单个集群累计上限 2000万元 约束：")
        assert en.startswith("Bound by the cluster's cumulative cap of CNY 20 m:")
    body = next(r for r in table.to_pylist()
                if r["org_id"] == 1 and r["status"] == "eligible")
    assert body["cap_bound"] is False and "奖励 100万元（上限 100万元）" in body["explanation_zh"]


def test_cut_award_explains_the_amount_paid():
    check_cut_explanations(evaluate_organisations(PACK, 2022, ORGS, prior_awards=PRIOR))


def test_cut_award_without_explanations():
    # The cluster is read from the organisations, not the inputs JSON (absent here).
    table = evaluate_organisations(PACK, 2022, ORGS, prior_awards=PRIOR, explain="none")
    assert {o: r["amount_yuan"] for o, r in cut_rows(table).items()} == {2: 1_500_000, 3: 0}
