"""Before any recompute: the pages say so instead of failing."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_before_the_first_recompute(client_as, city):
    client = client_as("admin")
    page = client.get("/cultivation/")
    assert page.status_code == 200 and "专精特新梯度培育" in page.content.decode()
    pool = client.get("/cultivation/pool/high_tech/")
    assert pool.status_code == 200
    html = pool.content.decode()
    assert "暂无在库企业" in html and "尚无预测" in html
    enterprise = client.get(f"/cultivation/enterprise/{city['a'].pk}/").content.decode()
    assert "该企业不在任何培育库中" in enterprise
