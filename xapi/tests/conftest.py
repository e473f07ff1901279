import pytest

from xapi.tests.lrs import running_lrs


@pytest.fixture
def lrs(settings):
    yield from running_lrs(settings)
