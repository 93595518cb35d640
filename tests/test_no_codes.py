"""One vocabulary: no page shows an internal identifier where a person reads words.

Every page of the house (every URL name the resolver knows, reached with the objects of a
small city that has been through a policy run, a payment, an application, a target refresh
and a cultivation recompute) is rendered for every role, and its visible text — not tag
attributes, scripts, or ``<code>`` blocks meant for developers — must hold none of the
identifiers the pack and the models use: policy, tier, assumption, pool and target ids,
variable names, designation, district, cluster and chain codes, the stored values of every
choice field, and model labels such as ``policies.Award``.

A URL name that is neither rendered here nor listed in ``NOT_PAGES`` with a reason fails
the test, so a new page is covered the day it is added.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

YI = 100_000_000

# URL names that are not pages a person reads, with the reason.
NOT_PAGES = {
    "login": "the login form (no data)", "logout": "POST only", "set_language": "POST only",
    "admin": "Django's admin, for developers", "api": "the JSON API, for programs",
    "enterprises:rejects": "a CSV file", "enterprises:template": "a template file",
    "enterprises:export": "a data file", "enterprises:import": "the import form (no data)",
    "enterprises:export_download": "a data file",
    "industry:cluster_xlsx": "an .xlsx file", "industry:chain_xlsx": "an .xlsx file",
    "industry:override": "POST only",
    "policies:api-enterprise-awards": "the JSON API, for programs",
    "policies:run_cancel": "POST only", "policies:bulk_approve": "POST only (see below)",
    "policies:disbursement": "an .xlsx file", "policies:attachment": "an uploaded file",
    "policies:calculator": "redirects to calculator_for", "policies:index": "redirects for an enterprise",
    "targets:report": "a PDF or .xlsx file", "targets:enter": "POST only",
    "targets:status": "POST only",
    "cultivation:add": "POST only", "cultivation:decide": "POST only", "cultivation:push": "POST only",
    "cultivation:exit": "POST only", "cultivation:add_task": "POST only",
    "cultivation:finish_task": "POST only",
    "projects:create_from_values": "POST only", "projects:import_template": "a template file",
    "projects:bulletin": "a PDF or .xlsx file", "projects:review": "a PDF or .xlsx file",
    "projects:milestone": "POST only", "projects:investment": "POST only",
    "projects:add_need": "POST only", "projects:add_inspection": "POST only",
    "projects:update_need": "POST only", "projects:close_issue": "POST only",
    "projects:attachment": "an uploaded file",
    "transform:assign": "POST only", "transform:accept": "POST only", "transform:rate": "POST only",
    "transform:apply": "POST only", "transform:start": "POST only",
    "transform:lenders_export": "a data file",
}


def _names(patterns, prefix=""):
    """(URL name with namespace, number of arguments) for every named pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            if str(p.pattern).startswith(("api/", "admin/")):
                yield ("api" if str(p.pattern).startswith("api/") else "admin"), 0
                continue
            yield from _names(p.url_patterns, prefix + ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name, len(p.pattern.regex.groupindex) or p.pattern.regex.groups


@pytest.fixture
def world(city, settings):
    """The small city after a year of work: figures, a run, a payment, an application,
    targets refreshed, pools recomputed, a project and its inspection."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from industrybrain.accounts.models import Profile
    from industrybrain.enterprises.models import AnnualFigures, District
    from industrybrain.policies import applications, jobs, ledger, runs
    from industrybrain.policies.models import Award
    from industrybrain.projects.testing import project_of

    settings.IB_JOBS = "inline"
    User = get_user_model()
    people = {}
    # Usernames are words a person chose, not codes (the fixture's "reviewer" is a role value).
    for name, role, district, enterprise in (
        ("zhang_wei", "city_admin", None, None), ("li_na", "reviewer", None, None),
        ("wang_fang", "reviewer", None, None), ("zhao_lei", "analyst", None, None),
        ("sun_li", "district_officer", "wujin", None), ("qian_a", "enterprise_user", None, city["a"]),
    ):
        user = User.objects.create_user(name, password="x")
        Profile.objects.create(user=user, role=role, enterprise=enterprise,
                               district=District.objects.get(code=district) if district else None)
        people[name] = user
    for key, rd in (("a", 5 * YI), ("b", None), ("c", 5 * YI)):
        AnnualFigures.objects.create(
            enterprise=city[key], year=2022, revenue=150 * YI, industrial_output=140 * YI,
            rd_spending=rd, local_contribution=6 * YI, tax=8 * YI,
            energy_tce=Decimal("1000.00"), above_scale=True)
    run = runs.start(2022, people["zhang_wei"])
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    paid = Award.objects.filter(enterprise=city["a"], policy_id="dengfeng").first()
    ledger.approve(paid.pk, people["li_na"])
    if Award.objects.get(pk=paid.pk).status != "paid":
        ledger.approve(paid.pk, people["wang_fang"])
    from industrybrain.policies import catalogue

    by_application = [p for p in applications.open_to_application() if catalogue.by_application(p)]
    applications.submit(people["qian_a"], city["a"].pk, by_application[0].id, 2022, "说明", [])
    call_command("pools_recompute", "--year", "2022", stdout=_Null())
    call_command("targets_refresh", stdout=_Null())
    project = project_of(city["a"])
    from industrybrain.enterprises.models import ExportJob

    job = ExportJob.objects.create(kind="figures", fmt="xlsx", params="district=wujin",
                                   created_by=people["zhang_wei"], status="done",
                                   rows_total=12, rows_done=12)
    return {"job": job, "city": city, "people": people, "run": run, "award": paid, "project": project,
            "date": dt.date(2022, 12, 31)}


def _has_command(name):
    from django.core.management import get_commands

    return name in get_commands()


class _Null:
    def write(self, *_):
        pass


def _args(world):
    """How to reach each page that takes an argument."""
    from industrybrain.cultivation.rules import pools as load_pools
    from industrybrain.industry.models import Chain, ChainSegment, Cluster
    from industrybrain.policies import catalogue
    from industrybrain.policies.models import Application
    from industrybrain.targets.models import Target

    a = world["city"]["a"]
    app = Application.objects.first()
    pools = load_pools().pools
    pages = {
        "enterprises:detail": [a.pk],
        "enterprises:export_job": [world["job"].pk],
        "industry:cluster": [Cluster.objects.first().code],
        "industry:chain": [Chain.objects.first().code],
        "industry:cluster_unplaced": [Cluster.objects.first().code],
        "industry:chain_unplaced": [Chain.objects.first().code],
        "industry:segment": [ChainSegment.objects.first().pk],
        "industry:lead_edit": None,  # needs a lead; the list page shows them
        "district": [a.district.code],
        "policies:run": [world["run"].pk],
        "policies:award": [world["award"].pk],
        "policies:calculator_for": [a.pk],
        "policies:enterprise_awards": [a.pk],
        "policies:application": [app.pk] if app else None,
        "policies:policy": [catalogue.pack().policies[0].id],
        "targets:detail": [Target.objects.first().code],
        "cultivation:pool": [pools[0].id] if pools else None,
        "cultivation:enterprise": [a.pk],
        "projects:detail": [world["project"].pk],
        "projects:edit": [world["project"].pk],
        "projects:create_from_lead": None,  # needs a lead
    }
    d = _diagnosis(a)
    pages.update({"transform:lot": [d.lot_id], "transform:diagnosis": [d.pk],
                  "transform:report": [d.pk], "transform:enterprise": [a.pk],
                  "transform:provider": [d.provider_id]})
    return pages


def _diagnosis(enterprise):
    """A free diagnosis of the enterprise, reported and accepted, with a started project."""
    from industrybrain.transform import delivery, workflow
    from industrybrain.transform.models import ProcurementLot, Provider

    provider = Provider.objects.create(name="常州智造咨询有限公司", capabilities=["mes", "iot"],
                                       certifications=["provincial_leader"])
    lot = ProcurementLot.objects.create(code="2022-01", name="2022年智能化免费诊断",
                                        period_start=dt.date(2022, 1, 1),
                                        period_end=dt.date(2022, 12, 31),
                                        budget_yuan=3 * 10**5, price_yuan=3 * 10**4)
    lot.providers.add(provider)
    d = workflow.request(None, enterprise, on=dt.date(2022, 3, 1))
    d = workflow.assign(None, d, lot, provider, on=dt.date(2022, 3, 10))
    levels = {"personnel": 2, "technology": 2, "resources": 3, "design": 2, "production": 3,
              "logistics": 1, "sales": 2, "service": 2}
    report = workflow.file_report(None, d, levels, "设备联网率低", [
        {"title": "MES", "capability": "mes", "cost_yuan": 3 * 10**7, "payback_years": 4}],
        on=dt.date(2022, 4, 1))
    d = workflow.accept(None, d, on=dt.date(2022, 4, 5))
    delivery.start(None, report.projects.get(), dt.date(2022, 6, 1), 3 * 10**7, provider)
    return d


def identifiers() -> set[str]:
    """Every internal identifier a page must not show."""
    from django.apps import apps

    from industrybrain.cultivation.rules import pools
    from industrybrain.engine.vocab import ORG_VARIABLES, VARIABLES, designations
    from industrybrain.industry.models import Chain, Cluster
    from industrybrain.policies import catalogue
    from industrybrain.targets.models import Target

    pack = catalogue.pack()
    found = set()
    for p in pack.policies:
        found.add(p.id)
        found.update(t.id for t in p.tiers)
    found.update(pack.assumptions)
    found.update(VARIABLES, ORG_VARIABLES)
    found.update(designations())
    found.update(pool.id for pool in pools().pools)
    found.update(Target.objects.values_list("code", flat=True))
    found.update(Cluster.objects.values_list("code", flat=True))
    found.update(Chain.objects.values_list("code", flat=True))
    from industrybrain.enterprises.models import DesignationType

    found.update(DesignationType.Level.values)
    found.update(("wujin", "xinbei", "liyang", "jintan", "tianning", "zhonglou", "jingkai"))
    for model in apps.get_models():
        if model._meta.app_label.startswith(("auth", "contenttypes", "sessions", "authtoken",
                                             "admin")):
            continue
        found.add(model._meta.label)
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str):
                    found.add(value)
    # Plain words that are also codes would flag ordinary text; identifiers have shape.
    found = {i for i in found if len(i) >= 4 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", i)}
    # The articles' file names: a page names an article by its title.
    found.update(s["seed"] for s in pack.meta.get("sources", []))
    return found


class _Text(HTMLParser):
    """The text a person reads: no attributes, scripts, styles or <code> blocks."""

    SKIP = {"script", "style", "code", "pre"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def leaks(text: str, pattern: re.Pattern) -> set[str]:
    return set(pattern.findall(text))


def test_the_text_scan_finds_codes_and_ignores_attributes_and_code_blocks():
    pattern = re.compile(r"(?<![A-Za-z0-9_.])(dengfeng|policies\.Award)(?![A-Za-z0-9_])")
    html = ('<a href="/policies/dengfeng/" title="dengfeng">登峰计划</a><code>dengfeng</code>'
            "<script>var x = 'dengfeng';</script><td>policies.Award 12</td>")
    assert leaks(visible_text(html), pattern) == {"policies.Award"}


def test_no_page_shows_an_internal_code_to_any_role(client, world):
    from django.urls import NoReverseMatch

    known = identifiers()
    assert {"dengfeng", "over_100yi", "is_manufacturing", "high_tech", "private",
            "new_energy", "wujin", "policies.Award", "paid", "004_c12720918cdcb871.txt"} <= known
    pattern = re.compile(r"(?<![A-Za-z0-9_.])(" + "|".join(
        re.escape(i) for i in sorted(known, key=len, reverse=True)) + r")(?![A-Za-z0-9_])")
    with_args = _args(world)
    urls, uncovered = [], []
    for name, nargs in sorted(set(_names(get_resolver().url_patterns))):
        if name in NOT_PAGES or name.split(":")[0] in ("api", "admin"):
            continue
        if nargs == 0:
            try:
                urls.append(reverse(name))
            except NoReverseMatch:
                uncovered.append(name)
        elif name in with_args:
            if with_args[name] is not None:
                urls.append(reverse(name, args=with_args[name]))
        else:
            uncovered.append(name)
    assert not uncovered, f"add these URL names to the page list or NOT_PAGES: {uncovered}"
    # Pages with a query that shows more: every status of the review queue, a what-if.
    urls += ["/policies/review/?year=2022&status=" + s for s in
             ("proposed", "paid", "insufficient_data", "amount_pending", "not_eligible")]
    urls += ["/policies/ledger/?year=2022", "/policies/budgets/?year=2022",
             f"/policies/calculator/{world['city']['a'].pk}/?year=2022"]
    found: dict[str, set[str]] = {}
    for user in world["people"].values():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for code in leaks(visible_text(response.content.decode()), pattern):
                found.setdefault(f"{url} ({user.username})", set()).add(code)
    # A bulk confirmation is a page too (POST, step 1).
    client.force_login(world["people"]["li_na"])
    from industrybrain.policies.models import Award

    ids = list(Award.objects.filter(status="proposed").values_list("pk", flat=True))
    page = client.post(reverse("policies:bulk_approve"), {"award": ids}).content.decode()
    for code in leaks(visible_text(page), pattern):
        found.setdefault("bulk confirmation", set()).add(code)
    assert not found, "\n".join(f"{k}: {sorted(v)}" for k, v in sorted(found.items()))


def test_rules_read_as_the_pack_settles_them_in_words():
    from industrybrain.engine.explain import describe
    from industrybrain.engine.expr import parse
    from industrybrain.policies import catalogue

    pack = catalogue.pack()
    ownership = describe(parse('ownership == "private"'), "zh", pack.assumptions, pack.root)
    assert ownership == "所有制为民营"
    above = catalogue.policy("above_scale_award")
    words = describe(above.trigger or above.eligibility, "zh", pack.assumptions, pack.root)
    assert "above_scale_newly_rule" not in words and "first_time_ever" not in words
    assert "首次成为规模以上企业" in words
    cluster = describe(parse('cluster == "new_energy"'), "en", pack.assumptions, pack.root)
    assert cluster == "cluster is New energy"


def test_an_awards_inputs_and_explanation_read_as_words(client_as, city, settings):
    """所用数据 shows 制造业企业 = 是 and 所有制 = 民营, not is_manufacturing = True."""
    from industrybrain.core.localize import inputs_shown

    shown = dict(inputs_shown("bai_qian_wan", {"ownership": "private"}))
    assert shown == {"所有制": "民营"}
    shown = dict(inputs_shown("leading_enterprise", {"is_manufacturing": True}))
    assert shown.get("制造业企业") == "是"


def test_the_engines_ownership_words_match_the_model_choices():
    """The engine imports no Django, so the ownership words are written twice: kept equal."""
    from industrybrain.engine.vocab import VALUE_LABELS
    from industrybrain.enterprises.models import Ownership

    assert {k: v[0] for k, v in VALUE_LABELS["ownership"].items()} == {
        value: str(label) for value, label in Ownership.choices}


def test_every_assumption_choice_has_words():
    from industrybrain.engine.vocab import CHOICE_LABELS
    from industrybrain.policies import catalogue

    for a in catalogue.pack().assumptions.values():
        assert set(a.choices) <= set(CHOICE_LABELS), a.id
