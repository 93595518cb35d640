"""Unified social credit codes (GB 32100-2015) and clearly synthetic Chinese names."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714-1997


def org_check_value(body: np.ndarray) -> np.ndarray:
    """GB 11714 check value for (n, 8) digit arrays: 11 - (weighted sum mod 11), in 1..11.
    10 is written "X" and 11 is written "0"."""
    return 11 - (body @ ORG_WEIGHTS) % 11


def org_check_char_index(body: np.ndarray) -> np.ndarray:
    """The check character of the organisation code, as an index into USCC_ALPHABET."""
    c = org_check_value(body)
    return np.where(c == 10, USCC_ALPHABET.index("X"), np.where(c == 11, 0, c))


def uscc_codes(rng, divisions: np.ndarray) -> np.ndarray:
    """One valid, unique USCC per firm: '9' (market regulator) '1' (enterprise), the
    district's 6-digit division code, a 9-character organisation code with its own GB 11714
    check character, and the GB 32100 check character.

    The 8-digit organisation bodies are an affine permutation of the firm's index
    (a*i + b mod 10^8 with a coprime to 10), so they are unique by construction and look
    random; a and b come from the seed.
    """
    n = len(divisions)
    if n > 10**8:
        raise ValueError("at most 10^8 enterprises")
    a = int(rng.integers(10**6, 10**7)) * 10 + int(rng.choice([1, 3, 7, 9]))
    b = int(rng.integers(0, 10**8))
    body_num = (a * np.arange(n, dtype=np.int64) + b) % 10**8
    body = (body_num[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    kinds, which = np.unique(np.asarray(divisions, dtype=str), return_inverse=True)
    div_digits = np.array([[int(ch) for ch in d] for d in kinds], dtype=np.int64).reshape(-1, 6)[which]
    values = np.empty((n, 17), dtype=np.int64)
    values[:, 0], values[:, 1] = 9, 1
    values[:, 2:8] = div_digits
    values[:, 8:16] = body
    values[:, 16] = org_check_char_index(body)
    check = (31 - (values @ USCC_WEIGHTS) % 31) % 31
    alphabet = np.array(list(USCC_ALPHABET))
    chars = np.concatenate([alphabet[values], alphabet[check][:, None]], axis=1)
    # (n, 18) single characters viewed as n 18-character strings: no loop per row
    return np.ascontiguousarray(chars.astype("U1")).view("U18").reshape(-1)


# Word lists for 字号 (trade names): two characters, one from each list.
BRAND_FIRST = tuple("恒泰华盛鑫隆达宏昌瑞丰源天中金龙东嘉博通宝永联祥信佳诚德润凯汇锦耀宇晨远星新科海亚万富")
BRAND_SECOND = tuple("泰达盛源丰华通宇诚信成昌兴科创力凯瑞隆邦德和安顺发明辉旺鼎晟益航越豪威峰洋")
PLACES = {"liyang": "溧阳", "jintan": "金坛", "wujin": "武进"}


def company_names(rng, district_codes: list[str], district: np.ndarray, terms: list[tuple[str, ...]],
                  industry: np.ndarray, form: np.ndarray) -> pa.Array:
    """Names like 常州恒泰精密机械有限公司（合成）, unique within the city.

    The place is 常州 (or 江苏 for a tenth, or the county-level city/district name of 溧阳,
    金坛, 武进 for part of their firms); the trade word comes from the firm's industry class.
    Two firms drawing the same name get a number after the 字号 (常州恒泰2精密机械…), so
    names stay unique without a retry loop. `form` is the legal-form suffix per firm.
    """
    n = len(district)
    place_choices = np.array(["常州", "江苏"] + [PLACES[c] for c in PLACES])
    local = np.array([2 + list(PLACES).index(c) if c in PLACES else 0 for c in district_codes])[district]
    u = rng.random(n)
    place = np.where(u < 0.1, 1, np.where(u < 0.45, local, 0))
    b1 = rng.integers(0, len(BRAND_FIRST), n)
    b2 = rng.integers(0, len(BRAND_SECOND), n)
    b2 = np.where(np.array(BRAND_FIRST)[b1] == np.array(BRAND_SECOND)[b2], (b2 + 1) % len(BRAND_SECOND), b2)
    term_pick = rng.integers(0, 1000, n)
    term_index = np.array([len(t) for t in terms])[industry]
    term_choice = term_pick % term_index
    flat_terms, starts = [], []
    for t in terms:
        starts.append(len(flat_terms))
        flat_terms.extend(t)
    term = np.array(starts)[industry] + term_choice
    # duplicates: order of appearance among equal keys gives 0, 1, 2, ... (the key uses
    # the trade word's text, since two classes may share a word such as 药业)
    _, word_id = np.unique(np.array(flat_terms), return_inverse=True)
    key = (((place * 64 + b1) * 64 + b2) * 1024 + word_id[term]) * 8 + form
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run_start = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    run_id = np.repeat(np.arange(len(run_start)), np.diff(np.r_[run_start, n]))
    occurrence = np.empty(n, np.int64)
    occurrence[order] = np.arange(n) - run_start[run_id]
    suffix = np.where(occurrence > 0, (occurrence + 1).astype(str), "")
    forms = np.array(["有限公司", "股份有限公司", "集团有限公司"])
    parts = [
        pa.array(place_choices[place]),
        pa.array(np.array(BRAND_FIRST)[b1]),
        pa.array(np.array(BRAND_SECOND)[b2]),
        pa.array(suffix),
        pa.array(np.array(flat_terms)[term]),
        pa.array(forms[form]),
        pa.array(np.full(n, "（合成）")),
    ]
    return pc.binary_join_element_wise(*parts, "")
