import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
SHARED = os.path.abspath(os.path.join(ROOT, '..', 'shared'))


def pytest_collection_modifyitems(config, items):
    if os.environ.get('RUN_SLOW') == '1':
        return
    skip = pytest.mark.skip(reason='slow: set RUN_SLOW=1 to run')
    for item in items:
        if 'slow' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_session():
    import keras.backend.session as session
    session.clear_session()
    np.random.seed(1234)
    import torch
    torch.manual_seed(1234)
    yield
    session.clear_session()


@pytest.fixture
def shared_dir():
    return SHARED
