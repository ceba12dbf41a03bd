"""Hostile input beyond what the schema describes: a 4xx or a proper page, never a 500.

Deeply nested JSON, integers past 64 bits in ids, pages, offsets and limits, search-syntax characters in every
search parameter (v1, legacy and the Wagtail page API), malformed cursors, and every page of the site rendering.
"""

import base64
import os

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

HUGE = "99999999999999999999999"  # past 64 bits
SEARCH_SYNTAX = [
    '"',
    "'",
    "*",
    "(",
    ")",
    "a AND",
    "OR b",
    "NOT",
    "-x",
    "+",
    ":",
    "title:x",
    "^",
    "~",
    "\\",
    "%",
    "_",
    'a"b',
    "NEAR(a b)",
    "\x00",
]


@pytest.fixture
def demo(db):
    """The demo data (customers, staff, orders, pages, posts); tokens of a customer and of order staff."""
    from accounts.models import User

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {
        role: Token.objects.get_or_create(user=User.objects.get(email=email))[0].key
        for role, email in (("customer", "jiwoo@example.com"), ("staff", "staff@bidangil.local"))
    }


def _client(token=None):
    client = Client(raise_request_exception=False)
    if token:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


def _server_errors(client, urls):
    """The URLs (of `urls`) that the server answered with a 5xx."""
    return [url for url in urls if client.get(url).status_code >= 500]


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


GET_URLS = [
    f"/api/v1/me/addresses/{HUGE}/",
    f"/api/v1/me/addresses/?page={HUGE}",
    f"/api/v1/me/addresses/?page_size={HUGE}",
    f"/api/v1/orders/?page={HUGE}",
    f"/api/v1/orders/?page=-{HUGE}",
    f"/api/v1/orders/?page_size={HUGE}",
    f"/api/v1/staff/orders/?page={HUGE}",
    f"/api/v1/product-info/{HUGE}/",
    f"/api/v1/comments/{HUGE}/",
    f"/api/v1/notifications/?page={HUGE}",
    f"/api/v1/posts/?page_size={HUGE}",
    f"/api/v1/posts/?cursor={_cursor('o=' + HUGE)}",
    f"/api/v1/posts/?cursor={_cursor('p=' + HUGE)}",
    f"/api/v1/posts/?cursor={_cursor('r=1&o=-5&p=x')}",
    "/api/v1/posts/?cursor=%%%not-base64",
    f"/api/v1/posts/x/comments/?cursor={_cursor('o=' + HUGE)}",
    f"/api/cms/v2/pages/?offset={HUGE}",
    f"/api/cms/v2/pages/?limit={HUGE}",
    "/api/cms/v2/pages/?offset=-1",
    f"/api/cms/v2/pages/{HUGE}/",
    f"/api/cms/v2/pages/?child_of={HUGE}",
    f"/api/cms/v2/pages/?descendant_of={HUGE}",
    f"/api/cms/v2/pages/?id={HUGE}",
    f"/api/cms/v2/images/{HUGE}/",
    f"/api/cms/v2/images/?offset={HUGE}",
    f"/api/cms/v2/documents/{HUGE}/",
    f"/api/posts/?page={HUGE}",
    f"/api/posts/?size={HUGE}",
    f"/api/get_reviews/?page={HUGE}",
    f"/api/post/get_comments/?slug=x&page={HUGE}",
]


def test_huge_integers_and_malformed_cursors_are_4xx(demo):
    for role in ("anonymous", "customer", "staff"):
        errors = _server_errors(_client(demo.get(role)), GET_URLS)
        assert not errors, (role, errors)


SEARCH_URLS = [
    "/api/v1/staff/orders/?q={}",
    "/api/v1/posts/?q={}",
    "/api/v1/nicknames/check/?nickname={}",
    "/api/cms/v2/pages/?search={}",
    "/api/cms/v2/pages/?search={}&search_operator=and",
    "/api/cms/v2/images/?search={}",
    "/api/cms/v2/documents/?search={}",
    "/api/posts/?filter={}",
    "/api/others_profile/?usr={}",
    "/search/?query={}",
]


def test_search_syntax_in_every_search_parameter_is_not_a_500(demo):
    from urllib.parse import quote

    urls = [template.format(quote(term)) for template in SEARCH_URLS for term in SEARCH_SYNTAX]
    errors = _server_errors(_client(demo["staff"]), urls)
    assert not errors, errors


def test_deeply_nested_json_is_a_400(demo):
    body = "[" * 100_000 + "]" * 100_000
    client = _client(demo["customer"])
    for url in ("/api/v1/orders/", "/api/v1/me/addresses/", "/api/v1/posts/", "/api/v1/auth/login/", "/api/login/"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.content[:300])


def test_every_page_of_the_site_renders(demo):
    from wagtail.models import Page

    client = _client()
    pages = Page.objects.live().public().specific().exclude(depth=1)
    assert len({type(page) for page in pages}) >= 4  # home, content, community index and post pages at least
    assert {page.url: client.get(page.url).status_code for page in pages} == {page.url: 200 for page in pages}
    queries = (f"?page={HUGE}", "?page=abc", "?page=-1", f"?cursor={_cursor('o=' + HUGE)}", "?q=%22*(")
    errors = _server_errors(client, [page.url + query for page in pages for query in queries])
    assert not errors, errors


@pytest.mark.django_db
def test_a_csrf_refusal_on_an_unknown_api_path_answers_json():
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "stale"
    response = client.post("/api/v1/comments/-1/like/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert Client(enforce_csrf_checks=True).post("/some-page/", HTTP_COOKIE="x=1").status_code == 403  # HTML there


def test_ids_past_64_bits_in_bodies_are_400(demo):
    client = _client(demo["customer"])
    huge = int(HUGE)
    for url, body in (
        ("/api/v1/notifications/read/", {"ids": [huge]}),
        ("/api/v1/me/", {"default_address_id": huge}),
        ("/api/v1/orders/", {"address_id": huge, "items": [{"url": "https://shop.example/p/1", "quantity": 1}]}),
    ):
        method = client.patch if url == "/api/v1/me/" else client.post
        response = method(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.content[:300])
