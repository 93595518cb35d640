import datetime as dt

import pytest


@pytest.fixture
def placed(city):
    """The shared four-enterprise city, placed: A by a keyword in its name (轴承), C by its code
    (C3421 数控机床), D by the product of its honour (工业机器人减速器) in the cluster and in the
    robotics chain, B (C3484, no keyword) left unplaced."""
    from industrybrain.enterprises.models import Designation, DesignationType
    from industrybrain.industry.models import Chain, ChainMembership
    from industrybrain.industry.placement import place_all

    a, c, d = city["a"], city["c"], city["d"]
    a.name = "常州测试A轴承有限公司"
    a.save()
    c.industry_code = "C3421"
    c.save()
    Designation.objects.create(
        enterprise=d, type=DesignationType.objects.get(code="single_champion_product"),
        granted_on=dt.date(2020, 12, 1), expires_on=dt.date(2023, 11, 30), product="工业机器人减速器")
    robotics = Chain.objects.get(code="robotics")
    ChainMembership.objects.create(chain=robotics, enterprise=d, is_leader=True)
    ChainMembership.objects.create(chain=robotics, enterprise=c)
    report = place_all()
    return {**city, "report": report, "robotics": robotics}
