import pytest

from tests.accounts.factories import UserFactory
from tests.community.factories import make_boards, make_post


@pytest.fixture
def boards(db):
    return make_boards()


@pytest.fixture
def post(boards):
    """A live post by someone other than the `user` fixture."""
    return make_post(UserFactory(profile__nickname="author1"), "share", "Free desk")
