import pytest
from wagtail.models import Site

from cms.models import HomePage


@pytest.fixture
def home(db) -> HomePage:
    """The HomePage the data migration made the default site's root."""
    return Site.objects.get(is_default_site=True).root_page.specific
