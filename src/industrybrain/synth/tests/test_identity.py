"""USCCs are valid (GB 32100 and the GB 11714 organisation code inside) and unique;
names are unique and labelled synthetic."""

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from industrybrain.synth import generate_city
from industrybrain.synth.taxonomy import load_districts


def org_code_is_valid(code: str) -> bool:
    """GB 11714-1997, written independently of the generator."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in code[:8]]
    c = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return code[8] == {10: "X", 11: "0"}.get(c, str(c))


def check_identities(city):
    codes = city.enterprises.column("uscc").to_pylist()
    assert len(set(codes)) == len(codes)
    divisions = {d.code: d.division for d in load_districts()}
    for code, district in zip(codes, city.enterprises.column("district").to_pylist(), strict=True):
        assert uscc.is_valid(code), code
        assert len(code) == 18 and code[:2] == "91"
        assert code[2:8] == divisions[district]
        assert org_code_is_valid(code[8:17]), code
    names = city.enterprises.column("name").to_pylist()
    assert len(set(names)) == len(names)
    assert all(name.endswith("（合成）") for name in names)


def test_demo_city_identities(city):
    check_identities(city)


def test_stdnum_rejects_a_wrong_check_digit(city):
    code = city.enterprises.column("uscc")[0].as_py()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not uscc.is_valid(wrong)


def test_names_use_words_of_the_industry(city):
    names = city.enterprises.column("name").to_pylist()
    codes = city.enterprises.column("industry_code").to_pylist()
    steel = [nm for nm, c in zip(names, codes, strict=True) if c == "C3120"]
    assert steel and all(("钢" in nm) for nm in steel)


@settings(max_examples=12, deadline=None)
@given(n=st.integers(50, 2000), seed=st.integers(0, 2**32 - 1))
def test_any_size_and_seed_gives_valid_consistent_tables(n, seed):
    city = generate_city(n, seed=seed)
    check_identities(city)
    ids = city.enterprises.column("enterprise_id").to_numpy()
    assert np.array_equal(ids, np.arange(1, n + 1))
    fig_ids = city.figures.column("enterprise_id").to_numpy()
    assert fig_ids.min() >= 1 and fig_ids.max() <= n
    des_ids = city.designations.column("enterprise_id").to_numpy()
    assert len(des_ids) == 0 or (des_ids.min() >= 1 and des_ids.max() <= n)
    revenue = city.figures.column("revenue").drop_null().to_numpy()
    assert (revenue > 0).all()


def test_designation_codes_are_in_the_vocabulary(city):
    from importlib import resources
    vocab = {d["code"] for d in yaml.safe_load(
        resources.files("industrybrain.data").joinpath("designations.yaml").read_text("utf-8"))}
    assert set(city.designations.column("code").to_pylist()) <= vocab
