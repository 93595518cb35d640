"""The calibrated synthetic city (合成城市) for the demo, the tests and the benchmarks.

>>> from industrybrain.synth import generate_city
>>> city = generate_city(30000, seed=2022)
>>> city.enterprises, city.figures, city.designations  # Arrow tables, docs/data-contract.md

Pure Python + numpy + pyarrow; no web framework. See docs/calibration.md.
"""

from .calibration import REFERENCE_SIZE
from .city import City, generate_city

__all__ = ["City", "REFERENCE_SIZE", "generate_city"]
