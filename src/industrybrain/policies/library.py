"""The public policy library (找政策) in plain words: for each policy, who qualifies, its
tiers and caps, the article it comes from, the assumptions it rests on, the figures it
reads and how to get it. Shared by the library's list and each policy's own page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from industrybrain.core import localize
from industrybrain.core.localize import in_english, local
from industrybrain.engine import Policy
from industrybrain.engine.compile import policy_usage
from industrybrain.engine.explain import describe
from industrybrain.engine.expr import Bool
from industrybrain.engine.vocab import assumption_text, designations, format_money, variable
from industrybrain.policies import catalogue, push


def _lang() -> str:
    return "en" if in_english() else "zh"


def rule_words(node) -> str:
    """An expression as the pack settles it, in the reader's language."""
    pack = catalogue.pack()
    return describe(node, _lang(), pack.assumptions, pack.root) if node is not None else ""


def how_to_get(p: Policy) -> tuple[str, str]:
    """(channel, words): 'apply' for 快申快享, 'automatic' for 免申即享, 'service' otherwise."""
    if catalogue.by_application(p):
        return "apply", _("需申请（快申快享）：登录后在“申请”页提交说明和证明材料，主管部门审核后拨付")
    if p.evaluated and catalogue.carries_money(p):
        return "automatic", _("免申即享：无需申请，系统每年按企业数据自动测算，审核通过后直接拨付")
    if p.evaluated:
        return "automatic", _("无需申请：系统按企业数据识别符合条件的企业，由主管部门联系办理")
    return "service", _("政策服务：向主管部门咨询办理")


def figures_read(p: Policy) -> list[str]:
    """The figures and designations the policy's rule and amount read, as labels."""
    usage = policy_usage(catalogue.pack(), p)
    out: list[str] = []
    for name in usage.variables + [v for _f, v in usage.history]:
        var = variable(name)
        label = (var.label_en if in_english() else var.label_zh) if var else ""
        if label and label not in out:
            out.append(label)
    for _f, code in usage.codes:
        d = designations().get(code)
        if d and local(d) not in out:
            out.append(local(d))
    return out


def assumptions_of(p: Policy) -> list[dict]:
    pack = catalogue.pack()
    return [{"question": a.question(_lang()), "value": assumption_text(a, _lang()), "placeholder": a.placeholder}
            for a in (pack.assumptions[i] for i in p.assumptions if i in pack.assumptions)]


def summary(p: Policy, condition: str, tiers: list[dict]) -> str:
    """One sentence a reader can take away: who, what, how much at most."""
    # Without a stated target or rule, the lowest tier says who qualifies at all.
    lowest = tiers[-1]["when"] if tiers and tiers[-1]["when"] else ""
    caps = [t["cap"] for t in tiers if t["cap"]]
    if in_english():
        who = condition or lowest
        most = f", up to {format_money(max(caps), 'en')}" if caps else ""
        return f"{local(p, 'title')}: for enterprises where {who}{most}." if who else \
            f"{local(p, 'title')}{most}."
    who = p.target_zh or (f"{condition or lowest}的企业" if condition or lowest else _("符合条件的企业"))
    most = f"，最高{format_money(max(caps), 'zh')}" if caps else ""
    return f"{local(p, 'title')}：面向{who}{most}。"


def entry(p: Policy, detail: bool = False) -> dict:
    condition = "；".join(rule_words(x) for x in (p.eligibility, p.trigger) if x is not None)
    # A tier whose condition is just "true" has none of its own: the policy's rule decides.
    tiers = [{"label": local(t, "label"), "cap": t.cap,
              "when": "" if isinstance(t.when, Bool) else rule_words(t.when)} for t in p.tiers]
    channel, how = how_to_get(p)
    out = {
        "policy": p, "category": push.CATEGORIES.get(p.category, _("其他")),
        "condition": condition, "tiers": tiers, "how": how, "channel": channel,
        "summary": summary(p, condition, tiers),
        "citations": [{"quote": c.quote, "source": localize.source_label(c.seed)}
                      for c in p.citations],
    }
    if detail:
        out.update({"assumptions": assumptions_of(p), "figures": figures_read(p),
                    "documents": [en if in_english() else zh for zh, en in p.documents],
                    "cumulative": catalogue.cumulative(p),
                    "budget_line": localize.budget_line_label(p.budget_line)})
    return out
