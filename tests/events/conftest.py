import pytest

from django.utils import translation


@pytest.fixture(autouse=True)
def chinese_first():
    """URLs reversed in a test are the Chinese ones, whatever an earlier /en/ request left active."""
    with translation.override("zh-hans"):
        yield
