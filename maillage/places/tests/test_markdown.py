import pytest

from maillage.lib.markdown import render_markdown

pytestmark = pytest.mark.django_db


def test_a_description_is_rendered_without_scripts_or_event_handlers(client, place):
    place.description = (
        "Bonjour **tout le monde**\n\n<script>alert('x')</script>\n\n"
        '<a href="https://example.org" onclick="steal()">lien</a>'
    )
    place.save()

    html = client.get(place.get_absolute_url()).content.decode()
    body = html.split("<main", 1)[1]

    assert "<strong>tout le monde</strong>" in body
    assert "<script>alert" not in body
    assert "onclick" not in body
    assert "steal()" not in body


def test_the_sanitiser_keeps_links_but_drops_javascript_urls():
    html = render_markdown("[a](javascript:alert(1)) [b](https://example.org)")

    assert "javascript:" not in html
    assert 'href="https://example.org"' in html
