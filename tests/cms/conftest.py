import pytest

from tests.pages import build_site


@pytest.fixture
def site_pages(db):
    return build_site()
