import pytest

from keras import mixed_precision


@pytest.fixture(autouse=True)
def _float32_policy():
    """Every test starts and ends with the default (floatx) global policy."""
    mixed_precision.set_global_policy(None)
    yield
    mixed_precision.set_global_policy(None)
