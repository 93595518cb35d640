import pytest


@pytest.fixture(scope="module")
def _pool_city(django_db_setup, django_db_blocker):
    """A small synthetic city, targets assessed, and the pools filled by the pack's rules year
    by year (as the demo loader does): built once per module, committed, removed afterwards.
    Each test still runs in its own transaction, so what a test changes is rolled back."""
    from industrybrain.core.models import ImportBatch
    from industrybrain.cultivation import models as cm
    from industrybrain.cultivation import recompute
    from industrybrain.demo.loader import clear_synthetic, load_city
    from industrybrain.policies.models import Message
    from industrybrain.synth import generate_city
    from industrybrain.targets import models as tm
    from industrybrain.targets.loading import load_targets
    from industrybrain.targets.refresh import refresh

    with django_db_blocker.unblock():
        load_city(generate_city(n_enterprises=400, seed=7), progress=lambda s: None)
        load_targets()
        refresh()
        recompute.run(recompute.data_years(), accept_all=True)
    yield
    with django_db_blocker.unblock():
        for model in (cm.Task, cm.Membership, cm.Proposal, cm.Standing, cm.Forecast, cm.Flow, Message,
                      tm.Assessment, tm.RefreshRun, tm.IndicatorValue, tm.Target):
            model.objects.all().delete()
        tm.Target.history.model.objects.all().delete()
        tm.IndicatorValue.history.model.objects.all().delete()
        clear_synthetic()
        ImportBatch.objects.all().delete()


@pytest.fixture
def pooled(_pool_city, users):
    """The pooled city (module-wide) plus the four-enterprise city and a user of every role."""
    return users
