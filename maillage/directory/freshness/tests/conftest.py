"""Fixtures for freshness tests: a fixed clock and a reminder sent to Alice about La Bobine."""

from datetime import UTC, datetime

import pytest

from maillage.places.models import FreshnessReminder

# A Monday in spring, at noon in Paris.
NOW = datetime(2026, 4, 13, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def reminder(place, alice):
    return FreshnessReminder.objects.create(place=place, sent_to="alice@example.org", sent_at=NOW)
