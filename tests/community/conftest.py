import pytest

from tests.community.factories import make_boards


@pytest.fixture
def boards(db):
    return make_boards()
