import datetime as dt

import pytest

D = dt.date


def make_project(code, district, planned_yi=10, **dates):
    from industrybrain.enterprises.models import District
    from industrybrain.projects.models import Project

    return Project.objects.create(
        code=code, name=f"测试项目{code}", district=District.objects.get(code=district),
        planned_yuan=int(planned_yi * 10**8), officer="张伟", leader="李明（副区长）", level="city", **dates)


def invest(project, month, yi):
    from industrybrain.projects.models import ProjectInvestment

    ProjectInvestment.objects.create(project=project, month=month, amount_yuan=int(yi * 10**8))
    project.recompute_done()
    project.save()


@pytest.fixture
def twenty(reference):
    """Twenty projects in 武进 (W) and 新北 (X) whose rates for January–June 2022 are worked
    out by hand in test_rates.py."""
    W, X = "wujin", "xinbei"
    rows = {
        "W1": (W, 10, dict(registered_actual=D(2022, 1, 10), started_planned=D(2022, 2, 1), started_actual=D(2022, 2, 5),
                           completed_planned=D(2023, 5, 1), producing_planned=D(2024, 1, 1))),
        "W2": (W, 20, dict(registered_actual=D(2022, 1, 20), started_planned=D(2022, 3, 1), started_actual=D(2022, 4, 10))),
        "W3": (W, 5, dict(registered_actual=D(2022, 2, 1), started_planned=D(2022, 4, 1))),
        "W4": (W, 8, dict(registered_actual=D(2022, 2, 15), started_planned=D(2022, 5, 1), started_actual=D(2022, 5, 1))),
        "W5": (W, 12, dict(registered_actual=D(2022, 3, 1), started_planned=D(2022, 6, 15), started_actual=D(2022, 7, 5))),
        "W6": (W, 6, dict(registered_actual=D(2022, 3, 10), started_planned=D(2022, 8, 1))),
        "W7": (W, 15, dict(registered_actual=D(2021, 3, 1), started_planned=D(2021, 5, 1), started_actual=D(2021, 5, 1),
                           completed_planned=D(2022, 3, 1), completed_actual=D(2022, 3, 20), producing_planned=D(2022, 9, 1))),
        "W8": (W, 9, dict(registered_actual=D(2021, 4, 1), started_planned=D(2021, 6, 1), started_actual=D(2021, 7, 1),
                          completed_planned=D(2022, 5, 1))),
        "W9": (W, 7, dict(registered_actual=D(2020, 5, 1), started_planned=D(2020, 6, 1), started_actual=D(2020, 6, 1),
                          completed_planned=D(2021, 6, 1), completed_actual=D(2021, 6, 20),
                          producing_planned=D(2022, 2, 1), producing_actual=D(2022, 2, 10))),
        "W10": (W, 4, dict(registered_actual=D(2020, 6, 1), started_planned=D(2020, 7, 1), started_actual=D(2020, 7, 1),
                           completed_planned=D(2021, 8, 1), completed_actual=D(2021, 9, 1), producing_planned=D(2022, 4, 1))),
        "W11": (W, 5, dict(registered_actual=D(2020, 7, 1), started_planned=D(2020, 8, 1), started_actual=D(2020, 8, 1),
                           completed_planned=D(2021, 9, 1), completed_actual=D(2021, 9, 1),
                           producing_planned=D(2022, 6, 30), producing_actual=D(2022, 6, 30))),
        "W12": (W, 30, dict(registered_actual=D(2022, 7, 15), started_planned=D(2022, 9, 1))),
        "X1": (X, 30, dict(registered_actual=D(2022, 1, 5), started_planned=D(2022, 1, 20), started_actual=D(2022, 1, 25))),
        "X2": (X, 10, dict(registered_actual=D(2022, 2, 5), started_planned=D(2022, 3, 10))),
        "X3": (X, 50, dict(registered_actual=D(2022, 4, 1), started_planned=D(2022, 6, 1), started_actual=D(2022, 6, 20))),
        "X4": (X, 20, dict(registered_actual=D(2022, 5, 1), started_planned=D(2022, 6, 30))),
        "X5": (X, 25, dict(registered_actual=D(2021, 2, 1), started_planned=D(2021, 3, 1), started_actual=D(2021, 3, 1),
                           completed_planned=D(2022, 1, 31), completed_actual=D(2022, 2, 28))),
        "X6": (X, 8, dict(registered_actual=D(2021, 5, 1), started_planned=D(2021, 6, 1), started_actual=D(2021, 8, 1),
                          completed_planned=D(2022, 6, 1))),
        "X7": (X, 6, dict(registered_actual=D(2020, 3, 1), started_planned=D(2020, 4, 1), started_actual=D(2020, 4, 1),
                          completed_planned=D(2021, 3, 1), completed_actual=D(2021, 3, 1),
                          producing_planned=D(2022, 3, 1), producing_actual=D(2022, 5, 1))),
        "X8": (X, 12, dict(lead_actual=D(2021, 12, 1), started_planned=D(2022, 2, 1))),
    }
    made = {code: make_project(code, district, yi, **dates) for code, (district, yi, dates) in rows.items()}
    for code, month, yi in (("W1", D(2022, 3, 1), 2), ("W1", D(2022, 5, 1), 1), ("W1", D(2022, 7, 1), 1),
                            ("W2", D(2022, 4, 1), 2), ("W4", D(2022, 6, 1), 1), ("X1", D(2022, 2, 1), 10),
                            ("X3", D(2022, 6, 1), 5), ("W7", D(2021, 6, 1), 10), ("W7", D(2022, 1, 1), 4),
                            ("X5", D(2021, 6, 1), 20), ("X5", D(2022, 1, 1), 5)):
        invest(made[code], month, yi)
    return made
