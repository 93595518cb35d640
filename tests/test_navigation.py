"""The navigation offers every role exactly the sections it may open, and refusals and
missing pages answer with a styled page in the reader's language (issue 13)."""

import sys
import types

import pytest
from django.test import Client
from django.urls import path, reverse

from industrybrain.core.context import SECTIONS

pytestmark = pytest.mark.django_db

ROLES = ["admin", "reviewer", "analyst", "wujin", "owner_a", "provider_a", "lender", "nobody"]


def _nav(client):
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return [(item["url"], str(item["label"])) for item in response.context["nav_sections"]]


@pytest.mark.parametrize("name", ROLES)
def test_every_link_in_the_navigation_opens_and_no_refused_section_is_offered(client_as, name):
    client = client_as(name)
    nav = _nav(client)
    for url, label in nav:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{name}: {label} ({url}) answers {response.status_code}"
    offered = {url for url, _ in nav}
    for url_name in {url_name for url_name, _, _ in SECTIONS}:
        url = reverse(url_name)
        if client.get(url, follow=True).status_code in (403, 404):
            assert url not in offered, f"{name} is offered {url}, which refuses them"


def test_each_role_sees_its_own_sections(client_as):
    labels = {name: [label for _, label in _nav(client_as(name))] for name in ROLES}
    assert "指标监测" in labels["admin"] and "培育库" in labels["wujin"]
    assert "指标监测" not in labels["owner_a"] and "培育库" not in labels["owner_a"]
    assert "我的企业" in labels["owner_a"] and "政策计算器" in labels["owner_a"]
    assert "驾驶舱" not in labels["owner_a"] and "企业库" not in labels["owner_a"]
    assert labels["nobody"] == []
    assert labels["provider_a"] == labels["lender"] == ["智改数转"]


def test_refusal_is_a_styled_page_in_the_readers_language(client_as):
    client = client_as("owner_a")
    page = client.get("/targets/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "您没有权限打开此页面" in html and "指标监测仅对市、辖市区工作人员开放" in html
    assert 'class="top"' in html and "我的企业" in html  # the site's header and navigation
    english = client.get("/targets/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You do not have permission to open this page" in english
    assert "您没有权限" not in english and "Forbidden" not in english


def test_missing_page_is_styled_and_names_no_model(client_as):
    client = client_as("admin")
    for url in ("/enterprises/99999999/", "/no-such-page/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 404
        html = page.content.decode()
        assert "This page does not exist, or it is outside what you may see" in html
        assert "Not Found" not in html and "matches the given query" not in html
    # Another enterprise's page is 404 too, and says no more than a missing one.
    assert "页面不存在" in client_as("owner_c").get(
        reverse("enterprises:detail", args=[1])).content.decode()


def test_expired_form_is_a_styled_refusal(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    page = client.post("/logout/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403
    html = page.content.decode()
    assert "The form has expired" in html and "CSRF" not in html


def _boom(request):
    raise RuntimeError("a bug")


@pytest.fixture
def failing_urls(settings):
    module = types.ModuleType("ib_failing_urls")
    module.urlpatterns = [path("boom/", _boom)]
    module.handler500 = "industrybrain.web.errors.server_error"
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    yield
    del sys.modules[module.__name__]


def test_server_error_is_a_styled_page_in_the_readers_language(failing_urls):
    client = Client(raise_request_exception=False)
    page = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 500
    html = page.content.decode()
    assert "Something went wrong on our side" in html and "a bug" not in html
    assert "系统暂时出错" in Client(raise_request_exception=False).get("/boom/").content.decode()
