"""Schemes: created by coordinators, changed by new versions from a future date only."""

import datetime

import pytest
from django.utils import timezone

from maillage.mobility import services
from maillage.mobility.models import Scheme, SchemeModel, SchemeVersion
from maillage.mobility.selectors import version_on
from maillage.mobility.services import SchemeTerms

TERMS = SchemeTerms(
    quota_days=4, monthly_price_cents=4000, day_rate_cents=1200, half_day_rate_cents=700
)


def test_a_scheme_starts_with_its_first_version(network_a, dora):
    today = timezone.localdate()
    scheme = services.create_scheme(
        network=network_a,
        by=dora,
        name="Pass",
        model=SchemeModel.PASS,
        effective_from=today,
        terms=TERMS,
    )
    version = version_on(scheme=scheme, day=today)
    assert version.monthly_price_cents == 4000
    assert version_on(scheme=scheme, day=today - datetime.timedelta(days=1)) is None


def test_a_change_applies_from_its_date_and_never_before(network_a, dora):
    today = timezone.localdate()
    scheme = services.create_scheme(
        network=network_a,
        by=dora,
        name="Pass",
        model=SchemeModel.PASS,
        effective_from=today,
        terms=TERMS,
    )
    later = today + datetime.timedelta(days=10)
    services.change_scheme(
        scheme=scheme,
        by=dora,
        effective_from=later,
        terms=SchemeTerms(**{**TERMS.__dict__, "quota_days": 6}),
    )
    scheme = Scheme.objects.get(pk=scheme.pk)
    assert version_on(scheme=scheme, day=today).quota_days == 4
    assert version_on(scheme=scheme, day=later).quota_days == 6


@pytest.mark.parametrize("days", [0, -1, -30])
def test_a_change_cannot_be_retroactive(network_a, dora, days):
    today = timezone.localdate()
    scheme = services.create_scheme(
        network=network_a,
        by=dora,
        name="Pass",
        model=SchemeModel.PASS,
        effective_from=today,
        terms=TERMS,
    )
    with pytest.raises(services.RetroactiveChange, match="à partir de demain"):
        services.change_scheme(
            scheme=scheme,
            by=dora,
            effective_from=today + datetime.timedelta(days=days),
            terms=TERMS,
        )
    assert SchemeVersion.objects.count() == 1


def test_a_scheme_cannot_start_in_the_past(network_a, dora):
    with pytest.raises(services.RetroactiveChange, match="dans le passé"):
        services.create_scheme(
            network=network_a,
            by=dora,
            name="Pass",
            model=SchemeModel.PASS,
            effective_from=timezone.localdate() - datetime.timedelta(days=1),
            terms=TERMS,
        )
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(
    ("model", "changes", "message"),
    [
        (SchemeModel.PASS, {"monthly_price_cents": -1}, "négatif"),
        (SchemeModel.PASS, {"day_rate_cents": 10**9}, "hors de proportion"),
        (SchemeModel.PASS, {"quota_days": 0}, "entre 1 et 31"),
        (SchemeModel.PASS, {"half_day_rate_cents": 5000}, "demi-journée"),
        (SchemeModel.PASS, {"day_rate_cents": 0, "half_day_rate_cents": 0}, "tarif journée"),
        (SchemeModel.RETROCESSION, {"retrocession_share_bp": 0}, "part rétrocédée"),
        (SchemeModel.RETROCESSION, {"retrocession_share_bp": 12000}, "10 000 points"),
        (
            SchemeModel.PREFERENTIAL,
            {"day_rate_cents": 0, "half_day_rate_cents": 0},
            "tarif journée",
        ),
    ],
)
def test_absurd_terms_are_refused_in_french(network_a, dora, model, changes, message):
    terms = SchemeTerms(**{**TERMS.__dict__, "retrocession_share_bp": 2500, **changes})
    with pytest.raises(services.InvalidTerms, match=message):
        services.create_scheme(
            network=network_a,
            by=dora,
            name="X",
            model=model,
            effective_from=timezone.localdate(),
            terms=terms,
        )
    assert not Scheme.objects.exists()
