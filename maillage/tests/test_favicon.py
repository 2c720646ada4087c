"""Every page names an icon, and /favicon.ico (asked by browsers anyway) leads to it."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_permanently_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_the_svg_icon_is_a_static_file():
    path = finders.find("img/favicon.svg")
    assert path is not None
    with open(path, encoding="utf-8") as icon:
        assert icon.read().lstrip().startswith("<svg")


def test_pages_link_the_icon(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    assert "img/favicon.svg" in html
