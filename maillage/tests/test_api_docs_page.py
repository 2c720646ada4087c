"""The API documentation page (django-ninja's Swagger UI, our template) says its language."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_page_says_its_language(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "swagger-ui-bundle.js" in html
