"""How many of each designation are granted, to whom, and when.

Counts are at the reference size (30,000 firms) and scale with n. Figures the articles
give are marked with their source in docs/calibration.md; the rest are assumptions chosen
so the 2022 stock lies on a plausible path to the articles' 2025 goals (e.g. 100 national
little giants, 50 single champions, 500 gazelles, 1,600 star-cloud firms by 2025).

`mode` "held" means the schedule is the number of firms holding the designation in that
year (as the data contract defines "held in year Y"); "new" means new grants per year.
`weight` and `eligible` name functions of designations.Context.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    mode: str  # "new" or "held"
    schedule: dict  # year -> count at the reference size
    eligible: str  # name of a Context method giving the eligible mask
    weight: str  # name of a Context method giving selection weights
    validity: int | None = None  # years; None: no expiry
    renew: float = 0.0  # chance of renewal at expiry
    requires: tuple = ()  # the firm must have held one of these by the grant year
    date: tuple = ("random",)  # ("md", month, day) batch date, or ("window", first_doy, last_doy)


def _years(first: int, counts: list[int]) -> dict:
    return {first + i: c for i, c in enumerate(counts)}


R = Rule
RULES: tuple[Rule, ...] = (
    R("tech_sme", "held", _years(2012, [600, 800, 1000, 1200, 1500, 2000, 2500, 3200, 3800, 4300, 4800]),
      "small_firms", "innovative", validity=1, renew=0.75, date=("window", 90, 200)),
    R("high_tech", "held", _years(2010, [700, 750, 800, 900, 1000, 1100, 1250, 1450, 1800, 2300, 2900, 3400, 3450]),
      "tech_firms", "innovative_sized", validity=3, renew=0.8, date=("window", 300, 364)),
    R("gazelle", "new", _years(2016, [20, 25, 30, 35, 40, 45, 50]), "older_firms", "fast_growing",
      requires=("high_tech",), date=("md", 12, 15)),
    R("potential_unicorn", "new", _years(2018, [3, 4, 5, 6, 7]), "older_firms", "fast_growing",
      requires=("gazelle",), date=("md", 12, 20)),
    R("unicorn", "new", {2019: 1, 2021: 1, 2022: 1}, "older_firms", "fast_growing",
      requires=("potential_unicorn",), date=("md", 12, 20)),
    R("specialised_sme", "new", _years(2018, [100, 150, 200, 250, 300]), "specialised", "innovative",
      validity=3, renew=0.85, date=("md", 9, 30)),
    R("little_giant_provincial", "new", _years(2016, [15, 20, 25, 30, 40, 50, 60]), "specialised",
      "innovative", validity=3, renew=0.85, date=("md", 10, 15)),
    R("little_giant_national", "new", _years(2019, [6, 12, 16, 24]), "specialised", "innovative",
      validity=3, renew=0.9, requires=("little_giant_provincial", "specialised_sme"), date=("md", 7, 19)),
    R("single_champion_enterprise", "new", _years(2016, [1, 2, 2, 2, 2, 3, 3]), "champion", "innovative_sized",
      validity=3, renew=0.9, date=("md", 11, 15)),
    R("single_champion_product", "new", _years(2016, [1, 1, 2, 2, 2, 2, 3]), "champion", "innovative_sized",
      validity=3, renew=0.9, date=("md", 11, 15)),
    R("listed", "new", {2000: 8, 2005: 8, 2008: 6, 2010: 10, 2011: 5, 2013: 2, 2014: 2, 2015: 3,
                        2016: 6, 2017: 8, 2018: 3, 2019: 5, 2020: 5, 2021: 10, 2022: 12},
      "listable", "large_innovative"),
    R("listing_reserve", "new", _years(2019, [150, 80, 80, 100]), "reserve", "large_innovative",
      date=("md", 4, 1)),
    R("tech_center_national", "new", {2005: 4, 2010: 4, 2013: 2, 2014: 1, 2015: 2, 2016: 1, 2017: 1,
                                      2018: 2, 2019: 1, 2020: 1, 2021: 2, 2022: 1},
      "large_makers", "large_innovative", date=("md", 12, 20)),
    R("tech_center_provincial", "new", {2010: 80, 2012: 60, 2014: 60, 2015: 40, 2016: 40, 2017: 45,
                                        2018: 50, 2019: 50, 2020: 55, 2021: 60, 2022: 60},
      "mid_makers", "innovative_sized", date=("md", 12, 10)),
    R("national_sci_tech_award", "new", {2016: 1, 2018: 2, 2019: 1, 2020: 1, 2021: 2, 2022: 1},
      "large_makers", "large_innovative", date=("md", 11, 3)),
    R("smart_demo_factory_national", "new", {2021: 1, 2022: 1}, "large_makers", "large",
      date=("md", 12, 28)),
    R("smart_factory_provincial", "new", _years(2019, [3, 4, 5, 6]), "mid_makers", "large",
      date=("md", 12, 1)),
    R("smart_workshop_provincial", "new", _years(2016, [20, 25, 30, 30, 35, 35, 40]), "mid_makers", "sized",
      date=("md", 11, 20)),
    R("green_factory_national", "new", _years(2017, [3, 4, 4, 4, 5, 5]), "mid_makers", "large",
      date=("md", 11, 10)),
    R("green_factory_provincial", "new", _years(2018, [5, 8, 8, 10, 10]), "mid_makers", "sized",
      date=("md", 12, 5)),
    R("on_cloud", "new", _years(2015, [1500, 1000, 1000, 1500, 1500, 2000, 2000, 3000]), "any_firm", "sized_light"),
    R("star_cloud", "new", _years(2017, [100, 150, 150, 200, 200, 200]), "any_firm", "sized_light",
      requires=("on_cloud",), date=("md", 10, 30)),
    R("china_industry_award", "new", {2018: 1}, "large_makers", "large", date=("md", 12, 16)),
    R("china_quality_award", "new", {2021: 1}, "large_makers", "large", date=("md", 9, 16)),
    R("governor_quality_award", "new", {2016: 1, 2018: 1, 2020: 1, 2022: 1}, "large_makers", "large",
      date=("md", 9, 10)),
    R("mayor_quality_award", "new", _years(2016, [4, 4, 5, 5, 5, 5, 5]), "mid_makers", "large",
      date=("md", 12, 28)),
    # 星级企业 for year Y are honoured at the first meeting of Y+1 (2021's on 7 February 2022)
    R("star_enterprise", "new", _years(2017, [300, 300, 300, 300, 300, 300]), "older_firms", "taxpayer",
      validity=1, date=("md", 2, 7)),
)
del R

# The 500 lists are not drawn: an enterprise is on list L in year Y when its revenue of
# Y-1 reaches the list's threshold (giants.LIST_THRESHOLDS_YI), as the lists rank firms.
LIST_RULES = {
    "china_top_500": "any_firm",
    "china_manufacturing_500": "manufacturing",
    "china_private_500": "private",
}
LIST_DATE = (9, 1)
