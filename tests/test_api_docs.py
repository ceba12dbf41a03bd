import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_local_assets(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assets = [tag.get("src") or tag.get("href") for tag in soup.find_all(["script", "link", "img"])]
    assets = [asset for asset in assets if asset]
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/") and not asset.startswith("//"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a local static file"
    # Nothing else in the page (inline scripts, styles) names another host.
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE)
