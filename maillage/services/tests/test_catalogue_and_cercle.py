"""The catalogue and the cercle: trainings publish what a training organisation must, sessions
are agenda events, only accepted professionals deliver services; joining the cercle is reviewed;
references appear only with consent; ratings are never shown one by one, nor under three."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.services import services
from maillage.services.models import Accompanist, Rating, Reference, Service
from maillage.services.selectors import ratings_summary, visible_references
from maillage.services.services import ServicesError
from maillage.services.tests.conftest import make_service

pytestmark = pytest.mark.django_db


def test_a_training_without_its_objectives_is_refused_beside_the_field(client, dora, network_a):
    client.force_login(dora)
    page = client.post(
        reverse("services:service-create", args=[network_a.slug]),
        {"kind": "training", "title": "Modèle économique", "summary": "Deux jours", "audience": "members",
         "delivered_by": "team", "how_to_ask": "Inscrivez-vous", "price_member_cents": "180"},
    )  # fmt: skip

    assert "Une formation publie ses objectifs pédagogiques." in page.content.decode()
    assert not Service.objects.exists()


def test_prices_are_read_the_french_way_in_cents(client, dora, network_a):
    client.force_login(dora)
    client.post(
        reverse("services:service-create", args=[network_a.slug]),
        {"kind": "support", "title": "DLA", "summary": "Un diagnostic", "audience": "members",
         "delivered_by": "team", "how_to_ask": "Écrivez-nous", "price_member_cents": "1 250,50",
         "price_other_cents": "", "topics": ["modele-economique"]},
    )  # fmt: skip

    service = Service.objects.get()
    assert (service.price_member_cents, service.price_other_cents) == (125050, None)
    page = client.get(service.get_absolute_url())
    assert "1\u202f250,50\u00a0€" in page.content.decode()


def test_a_training_session_is_an_event_of_the_agenda(dora, network_a):
    training = make_service(
        network_a, dora, kind="training", objectives="Construire son budget", prerequisites="Aucun",
        duration_hours=14, methods="Études de cas", evaluation="Quiz", accessibility="Plain-pied",
        certification_number="32 59 12345 59",
    )  # fmt: skip
    starts = timezone.now() + datetime.timedelta(days=10)
    session = services.add_training_session(
        by=dora,
        service=training,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=7),
        capacity=12,
    )

    assert session.event.kind == "formation"
    assert session.event.capacity == 12
    assert session.event.network == network_a


def test_only_an_accepted_professional_of_the_network_delivers_a_service(dora, network_a, mathieu):
    Accompanist.objects.filter(pk=mathieu.pk).update(status="applied")
    mathieu.refresh_from_db()
    with pytest.raises(ServicesError) as refused:
        make_service(network_a, dora, delivered_by="professional", accompanist=mathieu)
    assert refused.value.field == "accompanist"
    assert not Service.objects.exists()


def test_joining_the_cercle_is_reviewed_by_the_network(client, network_a, dora, bob, commune):
    client.force_login(bob)
    data = {"network": network_a.pk, "name": "Bob Conseil", "kind": "consultant", "bio": "Juriste.",
            "specialities": ["juridique"], "departments": "59", "rates": "500 € la journée",
            "availability": "available"}  # fmt: skip
    page = client.post(reverse("services:accompanist-apply"), data)
    assert "Signez la charte éthique" in page.content.decode()
    assert not Accompanist.objects.exists()
    client.post(reverse("services:accompanist-apply"), {**data, "ethics": "on"})
    profile = Accompanist.objects.get()
    assert profile.status == "applied" and profile.ethics_signed_at is not None
    assert client.get(reverse("services:accompanists")).content.decode().count("Bob Conseil") == 0

    client.force_login(dora)
    url = reverse("services:accompanist-decide", args=[profile.pk])
    client.post(url, {"decision": "accept"})
    profile.refresh_from_db()
    assert profile.status == "applied"  # a confirmation first
    client.post(url, {"decision": "accept", "confirm": "oui"})
    profile.refresh_from_db()
    assert profile.status == "accepted"
    assert "Bob Conseil" in client.get(reverse("services:accompanists")).content.decode()


def test_an_unknown_department_is_said_beside_its_field(client, network_a, dora, bob):
    client.force_login(bob)
    page = client.post(
        reverse("services:accompanist-apply"),
        {"network": network_a.pk, "name": "X", "kind": "consultant", "bio": "…",
         "specialities": ["juridique"], "departments": "99", "rates": "…",
         "availability": "available", "ethics": "on"},
    )  # fmt: skip
    assert "Département inconnu : 99." in page.content.decode()
    assert not Accompanist.objects.exists()


def test_a_reference_shows_only_once_the_place_consented(client, mathieu, place, alice):
    reference = services.add_reference(
        by=mathieu.user, profile=mathieu, place=place, what="Diagnostic", year=2025
    )
    assert visible_references(mathieu) == []
    assert "La Bobine" not in client.get(mathieu.get_absolute_url()).content.decode()

    client.post(
        reverse("services:reference-answer", args=[services.reference_token(reference)]),
        {"consent": "yes"},
    )

    assert [r.pk for r in visible_references(mathieu)] == [reference.pk]
    assert "La Bobine" in client.get(mathieu.get_absolute_url()).content.decode()
    assert Reference.objects.get().consent == "given"


def test_ratings_are_shown_aggregated_only_from_three(client, mathieu, dora, alice, bob, charlie):
    for index, person in enumerate([alice, bob]):
        Rating.objects.create(accompanist=mathieu, by=person, understood="yes", useful="yes",
                              frame_kept="no", recommend="yes", comment=f"Avis secret {index}")  # fmt: skip
    client.force_login(dora)
    page = client.get(mathieu.get_absolute_url()).content.decode()
    assert "2 avis : ils s'affichent ensemble à partir de 3" in page
    assert ratings_summary(accompanist=mathieu)["shown"] is False

    Rating.objects.create(accompanist=mathieu, by=charlie, understood="partly", useful="yes",
                          frame_kept="yes", recommend="yes", comment="Avis secret 2")  # fmt: skip
    page = client.get(mathieu.get_absolute_url()).content.decode()
    assert "Ensemble de 3 avis" in page
    assert "Avis secret" not in page
    summary = ratings_summary(accompanist=mathieu)
    assert summary["rows"][0]["yes"] == 2

    client.force_login(alice)
    assert "Ensemble de 3 avis" not in client.get(mathieu.get_absolute_url()).content.decode()


def test_only_the_requester_rates_a_professional_who_took_the_closed_request(
    proposed, mathieu, alice, gaelle
):
    from maillage.services import requests as support

    proposal = proposed.proposals.get(kind="professional")
    support.answer(proposal=proposal, status="taken")
    with pytest.raises(ServicesError):
        services.rate(
            by=alice,
            request=proposed,
            profile=mathieu,
            data=services.RatingData(
                understood="yes", useful="yes", frame_kept="yes", recommend="yes"
            ),
        )
    support.close(by=gaelle, request=proposed, outcome="solved", note="ok", time_spent_minutes=60)
    proposed.refresh_from_db()
    with pytest.raises(ServicesError):
        services.rate(
            by=gaelle,
            request=proposed,
            profile=mathieu,
            data=services.RatingData(
                understood="yes", useful="yes", frame_kept="yes", recommend="yes"
            ),
        )
    services.rate(
        by=alice,
        request=proposed,
        profile=mathieu,
        data=services.RatingData(understood="yes", useful="yes", frame_kept="yes", recommend="yes"),
    )
    assert Rating.objects.count() == 1
