"""The in-memory shape of a policy pack: frozen dataclasses, built by :mod:`.pack`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .expr import Node

CATEGORIES = ("reward", "financing", "service", "recognition", "talent", "programme")
ENTITIES = ("enterprise", "organisation")
TIER_SELECTIONS = ("highest", "all")


@dataclass(frozen=True)
class Citation:
    seed: str
    quote: str


@dataclass(frozen=True)
class Assumption:
    """Something the articles leave open, decided here with a default and a reason."""

    id: str
    value: Node  # a constant expression (200万元, 30%) or a Str choice ("highest")
    text: str  # the value as written
    question_zh: str
    reason: str
    placeholder: bool = False  # True: a stand-in figure the bureau must set
    choices: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    question_en: str = ""  # '' falls back to the Chinese question

    def question(self, lang: str) -> str:
        return self.question_en if lang == "en" and self.question_en else self.question_zh


@dataclass(frozen=True)
class Tier:
    id: str
    label_zh: str
    label_en: str
    when: Node
    cap: int  # exact 元
    cap_text: str
    amount: Node | None = None  # overrides the policy's amount for this tier
    line: int = 0


@dataclass(frozen=True)
class Case:
    """One YAML test case of a policy (like an OpenFisca YAML test)."""

    name: str
    policy: str
    year: int
    enterprise: dict[str, Any]
    figures: dict[int, dict[str, Any]]
    designations: tuple[dict[str, Any], ...]
    expect: dict[str, Any]
    file: str
    line: int
    organisation: dict[str, Any] | None = None  # for entity: organisation policies
    cluster_awarded_before: int = 0  # prior awards to the organisation's cluster, 元


@dataclass(frozen=True)
class Policy:
    id: str
    title_zh: str
    title_en: str
    category: str
    entity: str
    citations: tuple[Citation, ...]
    effective_from: date
    effective_to: date | None
    file: str
    eligibility: Node | None = None
    trigger: Node | None = None
    tiers: tuple[Tier, ...] = ()
    tier_selection: str = "highest"
    amount: Node | None = None
    lets: dict[str, Node] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    budget_line: str = ""
    group_cap: dict[str, Any] | None = None
    target_zh: str = ""
    notes: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # key -> expression text
    # What an applicant attaches ((zh, en) each), for 快申快享 policies.
    documents: tuple[tuple[str, str], ...] = ()
    # Words for the let names (tech_score -> 技术创新得分), for explanations.
    let_labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (line, col)

    @property
    def has_rule(self) -> bool:
        """Whether it says, as a rule, who gets it (else it is a library entry)."""
        return self.eligibility is not None or self.trigger is not None or bool(self.tiers)

    @property
    def evaluated(self) -> bool:
        """Whether the engine evaluates it per enterprise (see also entity: organisation)."""
        return self.entity == "enterprise" and self.has_rule

    def in_force(self, year: int) -> bool:
        if year < self.effective_from.year:
            return False
        return self.effective_to is None or year <= self.effective_to.year


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title_zh: str
    title_en: str
    root: Path
    meta: dict[str, Any]
    policies: tuple[Policy, ...]
    assumptions: dict[str, Assumption]
    cases: tuple[Case, ...] = ()
    # Compiled plans per backend, filled lazily; not part of the pack's identity.
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def policy(self, policy_id: str) -> Policy:
        for p in self.policies:
            if p.id == policy_id:
                return p
        raise KeyError(policy_id)

    def placeholders(self, policy_id: str) -> tuple[Assumption, ...]:
        """The placeholder assumptions (figures the articles do not give) that a policy
        reads: what it decides or pays depends on numbers the bureau must still set."""
        policy = self.policy(policy_id)
        return tuple(self.assumptions[a] for a in policy.assumptions
                     if self.assumptions[a].placeholder)

    def with_assumptions(self, **values: str) -> Pack:
        """A copy of the pack with some assumptions set to new values (a reform).

        Values are written as in assumptions.yaml (``"300万元"``, ``"all"``).
        """
        from .pack import reassume

        return reassume(self, values)

    def replace(self, **changes) -> Pack:
        return replace(self, _compiled={}, **changes)
