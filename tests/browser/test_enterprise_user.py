"""An enterprise user logs in, sees its own page with its chart, and is refused another's."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def enterprise_ids(server):
    """Ask the running system (through its own CLI) which enterprise each demo user belongs to."""
    code = (
        "import json; from industrybrain.accounts.models import Profile;"
        "print(json.dumps({p.user.username: p.enterprise_id for p in Profile.objects.filter(role='enterprise_user')}))"
    )
    out = subprocess.run(
        [str(Path(sys.executable).parent / "industrybrain"), "shell", "-c", code],
        env=server["env"], check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")


def test_enterprise_user_sees_own_page_and_not_another(page, demo_server, tmp_path):
    ids = enterprise_ids(demo_server)
    login(page, demo_server, "qiye1")
    # An enterprise user lands on its own enterprise page.
    page.wait_for_url(f"**/enterprises/{ids['qiye1']}/")
    assert "统一社会信用代码" in page.inner_text("main")
    assert page.locator("#figures-table tbody tr").count() >= 6  # six or more years of history
    page.wait_for_selector("#figures-chart[data-ready='1'] canvas")
    page.screenshot(path=str(tmp_path / "own.png"), full_page=True)
    # Another enterprise's page: refused, in the page and in the API.
    response = page.goto(demo_server["url"] + f"/enterprises/{ids['qiye2']}/")
    assert response.status == 404
    api = page.goto(demo_server["url"] + f"/api/enterprises/{ids['qiye2']}/")
    assert api.status == 404
    own = page.goto(demo_server["url"] + f"/api/enterprises/{ids['qiye1']}/")
    assert own.status == 200
    # The enterprise list holds only its own enterprise.
    page.goto(demo_server["url"] + "/enterprises/")
    assert page.locator("main table tbody tr").count() == 1


def test_city_admin_sees_the_city_in_chinese_and_switches_to_english(page, demo_server):
    login(page, demo_server, "admin")
    page.wait_for_url(demo_server["url"] + "/")
    text = page.inner_text("body")
    assert "驾驶舱" in text and "企业梯队" in text and "亿元" in text
    # Choosing a language submits a form: wait for the page it leads to, not the old one.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang='en']")
    assert "Cockpit" in page.inner_text("nav.sections")
