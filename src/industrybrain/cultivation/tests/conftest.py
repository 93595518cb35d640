import pytest


@pytest.fixture
def pooled(users):
    """The four-enterprise city plus a small synthetic city, targets assessed, and the pools
    filled by the pack's rules year by year (as the demo loader does)."""
    from industrybrain.core.demo import load_city
    from industrybrain.cultivation import recompute
    from industrybrain.synth import generate_city
    from industrybrain.targets.loading import load_targets
    from industrybrain.targets.refresh import refresh

    load_city(generate_city(n_enterprises=400, seed=7), progress=lambda s: None)
    load_targets()
    refresh()
    recompute.run(recompute.data_years(), accept_all=True)
    return users
