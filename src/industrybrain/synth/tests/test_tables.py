"""Consistency of the three tables with each other, the vocabularies and the pack."""

from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest
import yaml

from industrybrain.synth.taxonomy import CHAINS, INDUSTRY_CLASSES, load_districts

PACK_TAXONOMY = Path(__file__).resolve().parents[2] / "packs" / "changzhou_2022" / "taxonomy.yaml"
NULLABLE = ["revenue", "industrial_output", "tax", "local_contribution", "rd_spending", "employees",
            "invention_patents", "energy_tce", "tech_upgrade_investment"]


def test_gaps_exist_and_are_never_zero(city):
    f = city.figures
    for name in NULLABLE:
        assert f.column(name).null_count > 0, name
    for name in ("revenue", "industrial_output", "tax", "local_contribution", "employees", "energy_tce"):
        values = f.column(name).drop_null().to_numpy()
        assert (values > 0).all(), name
    assert f.column("above_scale").null_count == 0


def test_zero_only_where_zero_is_true(city):
    f = city.figures
    # no R&D / no patents / no upgrade are real answers, and happen
    for name in ("rd_spending", "invention_patents", "tech_upgrade_investment"):
        assert pc.sum(pc.equal(f.column(name), 0)).as_py() > 0


def test_services_have_no_industrial_output(city):
    codes = np.array(city.enterprises.column("industry_code").to_pylist())
    ids = city.figures.column("enterprise_id").to_numpy() - 1
    output = city.figures.column("industrial_output")
    service_rows = ~np.isin(np.array([c[0] for c in codes]), ["B", "C", "D"])[ids]
    assert output.filter(service_rows).null_count == service_rows.sum()


def test_above_scale_follows_revenue(city):
    f = city.figures
    codes = np.array(city.enterprises.column("industry_code").to_pylist())
    ids = f.column("enterprise_id").to_numpy() - 1
    industrial = np.isin(np.array([c[0] for c in codes]), ["C", "D"])[ids]
    rev = f.column("revenue").to_numpy(zero_copy_only=False)
    above = f.column("above_scale").to_numpy(zero_copy_only=False)
    known = industrial & ~np.isnan(rev.astype(float))
    assert np.array_equal(above[known], rev[known].astype(float) >= 20_000_000)


def test_figures_start_at_founding(city):
    founded = city.enterprises.column("founded_on").to_numpy().astype("datetime64[Y]").astype(int) + 1970
    ids = city.figures.column("enterprise_id").to_numpy() - 1
    years = city.figures.column("year").to_numpy()
    assert (years >= founded[ids]).all()
    assert (years >= 2016).all() and (years <= 2022).all()
    pairs = ids.astype(np.int64) * 10000 + years
    assert len(np.unique(pairs)) == len(pairs)


def test_enterprise_columns_agree(city):
    e = city.enterprises
    codes = e.column("industry_code").to_pylist()
    assert e.column("is_manufacturing").to_pylist() == [c.startswith("C") for c in codes]
    listed = set(np.unique(city.designations.filter(pc.equal(city.designations.column("code"), "listed"))
                           .column("enterprise_id").to_numpy()).tolist())
    assert [i in listed for i in e.column("enterprise_id").to_pylist()] == e.column("is_listed").to_pylist()
    assert set(e.column("district").to_pylist()) == {d.code for d in load_districts()}
    assert set(e.column("ownership").to_pylist()) <= {"state", "private", "foreign", "hmt", "collective", "other"}
    for chains, leads in zip(e.column("chains").to_pylist(), e.column("chain_leader").to_pylist(), strict=True):
        assert set(leads) <= set(chains) <= set(CHAINS)


def test_wujin_and_xinbei_are_largest(city):
    counts = {}
    for d in city.enterprises.column("district").to_pylist():
        counts[d] = counts.get(d, 0) + 1
    assert sorted(counts, key=counts.get)[-2:] in (["xinbei", "wujin"], ["wujin", "xinbei"])


def test_designation_dates(city):
    d = city.designations
    granted = d.column("granted_on").to_numpy()
    expires = d.column("expires_on").to_numpy(zero_copy_only=False)
    has = ~np.isnat(expires)
    assert (expires[has] >= granted[has]).all()
    products = d.column("product").to_pylist()
    codes = d.column("code").to_pylist()
    assert all((p is not None) == (c == "single_champion_product") for p, c in zip(products, codes, strict=True))


@pytest.mark.skipif(not PACK_TAXONOMY.exists(), reason="pack taxonomy not in this checkout")
def test_clusters_and_chains_agree_with_the_pack_taxonomy(city):
    """The pack files a firm into a cluster by the longest matching industry-code prefix;
    the synthetic firms must land where the pack would put them, and chain members must
    come from the industries the pack names for the chain."""
    pack = yaml.safe_load(PACK_TAXONOMY.read_text("utf-8"))
    prefixes = [(ic["code"], c["code"]) for c in pack["clusters"] for ic in c.get("industry_codes", [])]

    def pack_cluster(code):
        hits = [(len(p), c) for p, c in prefixes if code.startswith(p)]
        return max(hits)[1] if hits else None

    hints = {ch["code"]: [h["code"] for h in ch.get("industry_hints", [])] for ch in pack["chains"]}
    for cls in INDUSTRY_CLASSES:
        mine = cls.group if cls.group not in ("other_industry", "services") else None
        assert pack_cluster(cls.code) == mine, cls.code
        for chain in cls.chains:
            assert any(cls.code.startswith(h) for h in hints[chain]), (cls.code, chain)
    clusters = city.enterprises.column("cluster").to_pylist()
    codes = city.enterprises.column("industry_code").to_pylist()
    assert all(pack_cluster(code) == cl for code, cl in zip(codes, clusters, strict=True))


def _figures_2021(city):
    f = city.figures.filter(pc.equal(city.figures.column("year"), 2021))
    ids = f.column("enterprise_id").to_numpy() - 1
    cols = {n: f.column(n).to_numpy(zero_copy_only=False).astype(float) for n in NULLABLE}
    return ids, cols


def test_revenue_is_heavy_tailed(city):
    _, cols = _figures_2021(city)
    rev = np.sort(cols["revenue"][~np.isnan(cols["revenue"])])[::-1]
    top_share = rev[: len(rev) // 100].sum() / rev.sum()
    assert top_share > 0.5  # the top 1% of firms have most of the sales
    assert np.median(rev) < 2e7 < rev.mean()


def test_figures_are_consistent_with_revenue(city):
    ids, c = _figures_2021(city)
    ok = ~np.isnan(c["revenue"]) & ~np.isnan(c["tax"]) & ~np.isnan(c["local_contribution"])
    assert (c["local_contribution"][ok] < c["tax"][ok]).all()
    assert 0.01 < np.median(c["tax"][ok] / c["revenue"][ok]) < 0.06
    codes = np.array(city.enterprises.column("industry_code").to_pylist())[ids]
    per_wan = c["energy_tce"] / (c["revenue"] / 1e4)
    steel = np.char.startswith(codes, "C31") & ~np.isnan(per_wan)
    machines = np.char.startswith(codes, "C34") & ~np.isnan(per_wan)
    assert np.median(per_wan[steel]) > 10 * np.median(per_wan[machines])


def test_high_tech_firms_spend_more_on_rd(city):
    ids, c = _figures_2021(city)
    d = city.designations.filter(pc.equal(city.designations.column("code"), "high_tech"))
    granted = d.column("granted_on").to_numpy().astype("datetime64[Y]").astype(int) + 1970
    expires = d.column("expires_on").to_numpy().astype("datetime64[Y]").astype(int) + 1970
    holders = set((d.column("enterprise_id").to_numpy()[(granted <= 2021) & (expires >= 2021)] - 1).tolist())
    is_holder = np.array([i in holders for i in ids])
    intensity = c["rd_spending"] / c["revenue"]
    ok = ~np.isnan(intensity)
    assert np.median(intensity[ok & is_holder]) >= 0.03
    assert np.median(intensity[ok & is_holder]) > 2 * np.median(intensity[ok & ~is_holder])
