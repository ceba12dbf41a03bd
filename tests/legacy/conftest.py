"""A browser running the original client: token fetched once at mount, cookies kept, Origin on every call."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory
from tests.community.factories import make_boards

ORIGIN = "http://localhost:3000"


class Browser:
    """The original client's calls, as `apiFetch` makes them (credentials: include)."""

    def __init__(self):
        self.client = APIClient(enforce_csrf_checks=True)
        self.token = ""

    def mount(self) -> str:
        """UserContext's mount: fetch the CSRF token once and keep it."""
        response = self.get("/api/csrf_token/")
        assert response.status_code == 200, response.content
        self.token = response.json()["csrfToken"]
        return self.token

    def get(self, path, **extra):
        return self.client.get(path, HTTP_ORIGIN=ORIGIN, **extra)

    def post(self, path, data=None, *, token=True, format="json", **extra):
        headers = {"HTTP_ORIGIN": ORIGIN, **extra}
        if token is True and self.token:
            headers["HTTP_X_CSRFTOKEN"] = self.token
        elif isinstance(token, str):
            headers["HTTP_X_CSRFTOKEN"] = token
        return self.client.post(path, data, format=format, **headers)

    def login(self, email, password=PASSWORD):
        """loginUser(): a fresh token is fetched right before the POST, then kept in the context."""
        self.mount()
        response = self.post("/api/login/", {"useremail": email, "userpassword": password})
        assert response.status_code == 200, response.content
        return response


@pytest.fixture
def browser(db):
    browser = Browser()
    browser.mount()
    return browser


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def member_browser(member):
    browser = Browser()
    browser.login(member.email)
    browser.user = member
    return browser


@pytest.fixture
def boards(db):
    return make_boards()
