"""Chain membership (八大产业链) and chain leaders (链主)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .taxonomy import CHAINS, INDUSTRY_CLASSES

# Chance that a firm whose industry class serves a chain is counted in it: chain maps
# list the firms that supply the chain's segments, not every firm of the class.
MEMBERSHIP_CHANCE = 0.6
LEADERS_PER_CHAIN = (3, 5)  # 每条产业链培育3—5家“链主”企业 (002)


def draw_chains(rng, industry: np.ndarray, size: np.ndarray, alive: np.ndarray):
    """Boolean (n, 8) matrices of membership and leadership.

    `size` ranks members (latest revenue); only `alive` firms can lead a chain. Leaders
    are the 3-5 largest members, so the largest firm of a chain is always among them.
    """
    n = len(industry)
    serves = np.zeros((len(INDUSTRY_CLASSES), len(CHAINS)), bool)
    for i, cls in enumerate(INDUSTRY_CLASSES):
        for chain in cls.chains:
            serves[i, CHAINS.index(chain)] = True
    member = serves[industry] & (rng.random((n, len(CHAINS))) < MEMBERSHIP_CHANCE)
    leader = np.zeros_like(member)
    for j in range(len(CHAINS)):
        rows = np.flatnonzero(member[:, j] & alive)
        k = int(rng.integers(LEADERS_PER_CHAIN[0], LEADERS_PER_CHAIN[1] + 1))
        if len(rows):
            top = rows[np.argsort(-size[rows], kind="stable")[:k]]
            leader[top, j] = True
    return member, leader


def to_list_array(matrix: np.ndarray) -> pa.Array:
    """Rows of a boolean (n, 8) matrix as list<string> of chain codes, in CHAINS order."""
    counts = matrix.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    names = np.array(CHAINS, dtype=object)[np.nonzero(matrix)[1]]
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(names, pa.string()))
