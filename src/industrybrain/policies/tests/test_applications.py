"""快申快享: apply with checked attachments; decide before a deadline; into the ledger."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from industrybrain.policies.models import Application, LedgerEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%fake but well-formed enough\n"


def _apply(client, name="cert.pdf", content=PDF):
    return client.post("/policies/applications/", {
        "policy": "cluster_promotion_body", "year": 2022, "statement": "集群新获评国家级，认定文件附后",
        "files": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_an_enterprise_applies_and_the_reviewer_pays_it_once(client_as, city):
    owner = client_as("owner_a")
    response = _apply(owner)
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.decide_by > app.submitted_at.date()
    reviewer = client_as("reviewer")
    page = reviewer.get(f"/policies/applications/{app.pk}/").content.decode()
    assert "cert.pdf" in page and "办结时限" in page
    reviewer.post(f"/policies/applications/{app.pk}/", {"action": "approve", "amount_wan": "100"})
    entry = LedgerEntry.objects.get()
    assert entry.amount_yuan == 1_000_000 and entry.enterprise == city["a"]
    reviewer.post(f"/policies/applications/{app.pk}/", {"action": "approve", "amount_wan": "100"})
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("name,content,why", [
    ("virus.exe", b"MZ\x90\x00", "类型不允许"),
    ("fake.pdf", b"MZ\x90\x00 not a pdf", "内容与扩展名不符"),
])
def test_attachments_are_checked_for_type(client_as, city, name, content, why):
    page = _apply(client_as("owner_a"), name, content).content.decode()
    assert why in page and not Application.objects.exists()


def test_attachments_are_checked_for_size(client_as, city, settings):
    settings.IB_APPLICATION_MAX_BYTES = 10
    page = _apply(client_as("owner_a")).content.decode()
    assert "超过" in page and not Application.objects.exists()


def test_another_enterprise_cannot_see_the_application(client_as, city):
    _apply(client_as("owner_a"))
    app = Application.objects.get()
    assert client_as("owner_c").get(f"/policies/applications/{app.pk}/").status_code == 404
    att = app.attachments.get()
    assert client_as("owner_c").get(f"/policies/attachments/{att.pk}/").status_code == 404
    assert client_as("owner_a").get(f"/policies/attachments/{att.pk}/").status_code == 200


def test_the_form_offers_only_policies_that_need_an_application(client_as, city):
    """免申即享 (登峰计划) needs no application; 快申快享 shows its cap and documents; the
    year defaults to the enterprise's latest year with figures (2021), not this year."""
    import re

    page = client_as("owner_a").get("/policies/applications/").content.decode()
    select = re.search(r'<select name="policy".*?</select>', page, re.S).group(0)
    assert "国家级产业集群促进机构奖励" in select and "登峰计划" not in select
    assert 'value="dengfeng"' not in select and 'value="quality_award_bonus"' not in select
    offered = re.search(r'<table id="offered">.*?</table>', page, re.S).group(0)
    assert "100.00 万元" in offered and "国家级产业集群认定文件" in offered
    assert re.search(r'name="year" value="2021"', page)
