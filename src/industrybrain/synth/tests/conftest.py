import pytest

from industrybrain.synth import generate_city


@pytest.fixture(scope="session")
def city():
    """The demo city at the reference size (30,000 firms, seed 2022)."""
    return generate_city(30000, seed=2022)
