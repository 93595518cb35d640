"""Who is promoted next year: a logistic model on the criteria's margins, back-tested.

No Django; numpy only. The model, per pool:

    P(promoted in Y+1 | a candidate in Y) = 1 / (1 + exp(-(b0 + Σ b_j · m_j)))

where a candidate meets the pool's entry rule in year Y, "promoted" means the pool's
``promoted`` exit holds in Y+1, and m_j is criterion j's signed margin in Y (the share by
which it is met, > 0, or missed, < 0, capped at ±1; a missing value is -1), plus the share
of criteria met. It is fitted by Newton's method with a small ridge penalty (λ = 1), which
keeps the coefficients finite when a rung is rare or a margin separates the classes.

Back-test: for each of the last ``holdout`` transitions (Y → Y+1), the model is fitted only
on earlier transitions and scored on that year: AUC (the chance that a promoted candidate
ranks above one that is not), the Brier score beside the Brier score of the base rate, and
the expected count (Σ p) beside the actual count. The figures go on the pool's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

L2 = 1.0


def features(signed: np.ndarray) -> np.ndarray:
    """The design matrix: intercept, each criterion's margin, the share of criteria met."""
    n = signed.shape[0]
    share = (signed > 0).mean(axis=1, keepdims=True) if signed.shape[1] else np.zeros((n, 1))
    return np.hstack([np.ones((n, 1)), signed, share])


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Ridge-penalised logistic regression by Newton's method (intercept not penalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = predict(w, x)
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))


def auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve by ranks (ties share their rank); None with one class only."""
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    i = 0
    while i < len(p):
        j = i
        while j + 1 < len(p) and sorted_p[j + 1] == sorted_p[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


@dataclass
class Transition:
    """The candidates of one year and whether each was promoted the next year."""

    year: int
    enterprise_id: np.ndarray
    signed: np.ndarray
    promoted: np.ndarray  # 0/1


@dataclass
class Backtest:
    years: list[dict] = field(default_factory=list)  # one per held-out year

    def summary(self) -> dict:
        ys = [y for y in self.years if y["candidates"]]
        aucs = [y["auc"] for y in ys if y["auc"] is not None]
        return {
            "years": self.years,
            "auc": round(float(np.mean(aucs)), 3) if aucs else None,
            "expected": round(sum(y["expected"] for y in ys), 1),
            "actual": sum(y["actual"] for y in ys),
        }


def backtest(transitions: list[Transition], holdout: int = 2) -> Backtest:
    """Fit on the years before each of the last ``holdout`` transitions; score on it."""
    out = Backtest()
    for k in range(max(len(transitions) - holdout, 1), len(transitions)):
        train, test = transitions[:k], transitions[k]
        x = np.vstack([features(t.signed) for t in train])
        y = np.concatenate([t.promoted for t in train]).astype(float)
        row = {"year": test.year, "next_year": test.year + 1, "candidates": len(test.promoted),
               "actual": int(test.promoted.sum()), "expected": 0.0, "auc": None,
               "brier": None, "brier_base": None, "train_years": [t.year for t in train]}
        if len(test.promoted) and len(y):
            w = fit(x, y)
            p = predict(w, features(test.signed))
            base = y.mean()
            row.update(expected=round(float(p.sum()), 1), auc=auc(test.promoted, p),
                       brier=round(float(np.mean((p - test.promoted) ** 2)), 4),
                       brier_base=round(float(np.mean((base - test.promoted) ** 2)), 4))
            if row["auc"] is not None:
                row["auc"] = round(row["auc"], 3)
        out.years.append(row)
    return out


def fit_all(transitions: list[Transition]) -> np.ndarray | None:
    if not transitions:
        return None
    x = np.vstack([features(t.signed) for t in transitions])
    y = np.concatenate([t.promoted for t in transitions]).astype(float)
    return fit(x, y) if len(y) else None
