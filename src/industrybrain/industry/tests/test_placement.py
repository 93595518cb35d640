"""Segments as data: the pack's supply links are a graph without cycles, placement follows the
documented rule, and an officer's override is checked, kept and remembered with its reason."""

import copy

import pytest

from industrybrain.industry.models import ChainSegment, PlacementRule, SegmentPlacement
from industrybrain.industry.placement import PlacementRefused, override, place_all
from industrybrain.industry.taxonomy import TaxonomyError, find_cycle, read_taxonomy, validate

STAGES = {"upstream": 0, "midstream": 1, "downstream": 2}


def test_the_pack_links_read_upstream_to_downstream():
    data = read_taxonomy()
    validate(data)
    for owner in data["clusters"] + data["chains"]:
        stage = {s["code"]: STAGES[s["stage"]] for s in owner["segments"]}
        for s in owner["segments"]:
            for target in s.get("feeds") or []:
                assert stage[target] >= stage[s["code"]], (owner["code"], s["code"], target)
        # Every segment says how an enterprise gets into it.
        assert all(s.get("codes") or s.get("keywords") for s in owner["segments"]), owner["code"]


def test_a_cycle_in_the_links_is_refused_with_the_segments_named():
    data = copy.deepcopy(read_taxonomy())
    robotics = next(c for c in data["chains"] if c["code"] == "robotics")
    robotics["segments"][2]["feeds"] = ["robot_core_components"]  # integration feeds components
    with pytest.raises(TaxonomyError) as error:
        validate(data)
    message = str(error.value)
    assert "机器人" in message and "成环" in message and "核心零部件" in message and "系统集成与应用" in message


def test_a_link_to_an_unknown_segment_is_refused():
    data = copy.deepcopy(read_taxonomy())
    data["clusters"][0]["segments"][0]["feeds"] = ["no_such_segment"]
    with pytest.raises(TaxonomyError, match="no_such_segment"):
        validate(data)


def test_find_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["a"]}) == ["a", "a"]


def test_the_loaded_segments_carry_their_links(reference):
    bearings = ChainSegment.objects.get(cluster__code="high_end_equipment", code="bearings")
    assert {s.code for s in bearings.feeds.all()} >= {"robots", "cnc_machine_tools"}
    assert "C3451" in bearings.industry_codes and "轴承" in bearings.keywords


def _segment_of(enterprise, **owner):
    placement = SegmentPlacement.objects.filter(enterprise=enterprise, **owner).first()
    return (placement.segment.code, placement.rule) if placement else None


@pytest.mark.django_db
def test_each_rule_places_and_the_unplaced_are_reported_with_the_reason(placed):
    cluster = {"cluster__code": "high_end_equipment"}
    assert _segment_of(placed["a"], **cluster) == ("bearings", PlacementRule.KEYWORD)
    assert _segment_of(placed["c"], **cluster) == ("cnc_machine_tools", PlacementRule.CODE)
    assert _segment_of(placed["d"], **cluster) == ("robots", PlacementRule.DESIGNATION)
    assert _segment_of(placed["d"], chain__code="robotics") == ("robot_core_components", PlacementRule.DESIGNATION)
    assert _segment_of(placed["c"], chain__code="robotics") is None  # C3421 is not a robot code
    assert _segment_of(placed["b"], **cluster) is None
    report = placed["report"]
    assert report.counts == {PlacementRule.KEYWORD: 1, PlacementRule.CODE: 1, PlacementRule.DESIGNATION: 2}
    reasons = {(owner, pk): why for owner, pk, why in report.unplaced}
    assert "C3484" in reasons[("高端装备", placed["b"].pk)]
    assert "没有环节认领" in reasons[("机器人", placed["c"].pk)]


@pytest.mark.django_db
def test_an_override_outside_the_cluster_is_refused_naming_the_enterprise(placed, users):
    textile = ChainSegment.objects.get(cluster__code="textile_apparel", code="fabrics")
    with pytest.raises(PlacementRefused) as error:
        override(placed["a"], textile, "试一下", users["admin"])
    assert placed["a"].name in str(error.value) and "纺织面料" in str(error.value)
    ic = ChainSegment.objects.get(chain__code="integrated_circuit", code="ic_design")
    with pytest.raises(PlacementRefused, match="集成电路"):
        override(placed["a"], ic, "试一下", users["admin"])
    with pytest.raises(PlacementRefused, match="理由"):
        override(placed["b"], ChainSegment.objects.get(cluster__code="high_end_equipment", code="robots"), " ")
    assert _segment_of(placed["a"], cluster__code="high_end_equipment") == ("bearings", PlacementRule.KEYWORD)


@pytest.mark.django_db
def test_an_override_is_kept_with_its_reason_and_survives_a_new_run(placed, users):
    robots = ChainSegment.objects.get(cluster__code="high_end_equipment", code="robots")
    override(placed["b"], robots, "实地核查：主营协作机器人", users["wujin"])
    # A chain related to the enterprise's cluster accepts it and makes it a member.
    core = ChainSegment.objects.get(chain__code="robotics", code="industrial_robots")
    override(placed["b"], core, "实地核查：主营协作机器人本体", users["wujin"])
    place_all()
    placement = SegmentPlacement.objects.get(enterprise=placed["b"], cluster__code="high_end_equipment")
    assert placement.rule == PlacementRule.OVERRIDE and placement.segment == robots
    last = placement.history.latest()
    assert last.history_user == users["wujin"] and last.reason == "实地核查：主营协作机器人"
    assert placed["b"].chainmembership_set.filter(chain__code="robotics").exists()
