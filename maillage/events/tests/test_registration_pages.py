"""The registration pages: the box, registering from it, the guest links, the organisers' pages,
the CSV export, the privacy of the online link, and the permission matrix of every URL."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.conftest import PERSONAS
from maillage.events import registration as svc
from maillage.events import registration_views
from maillage.events.models import Audience, DigestSubscription, Registration
from maillage.events.selectors import occurrence_key
from maillage.events.tests.test_registration_services import NOW, SESSION_DAY, make_occurrence

Status = Registration.Status
LINK = "https://visio.example.org/cafe-secret"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(network_a, dora):
    """A public online session of network A (Dora coordinates it, so she organises it)."""
    return make_occurrence(capacity=2, network=network_a, online_url=LINK, slug="cafe-visio")


def url(name: str, occurrence, *extra) -> str:
    return reverse(
        f"events:{name}", args=[occurrence.event.slug, occurrence_key(occurrence), *extra]
    )


def box(occurrence, user) -> str:
    request = RequestFactory().get("/agenda/cafe-visio/")
    request.user = user
    return render_to_string(
        "events/_registration_box.html",
        {"event": occurrence.event, "occurrence": occurrence, "request": request},
        request=request,
    )


def test_my_urls_resolve_to_my_views(session):
    """The agenda's own patterns come first: none of them may swallow these addresses."""
    assert resolve(reverse("events:my-registrations")).func is registration_views.my_registrations
    assert resolve(reverse("events:digest")).func is registration_views.digest
    assert resolve(url("registrants", session)).func is registration_views.registrants
    assert (
        resolve(reverse("events:registration-confirm", args=["abc"])).func
        is registration_views.registration_confirm
    )


# --- the box and the privacy of the online link -----------------------------------------------


def test_the_online_link_is_shown_only_to_confirmed_registrants_and_organisers(
    session, bob, charlie, dora
):
    from django.contrib.auth.models import AnonymousUser

    waiting = UserFactory()
    svc.register(occurrence=session, user=bob)
    svc.register(occurrence=session, user=UserFactory())
    svc.register(occurrence=session, user=waiting)
    session.refresh_from_db()

    assert LINK not in box(session, AnonymousUser())
    assert LINK not in box(session, charlie)  # not registered
    waiting_box = box(session, waiting)
    assert LINK not in waiting_box
    assert "Liste d&#x27;attente" in waiting_box or "Liste d'attente" in waiting_box
    assert LINK in box(session, bob)
    assert LINK in box(session, dora)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("anonymous", False),
        ("charlie", False),
        ("waitlisted", False),
        ("bob", True),
        ("dora", True),
    ],
)
def test_the_session_page_shows_the_online_link_only_to_registrants_and_organisers(
    session, persona_client, bob, persona, sees
):
    svc.register(occurrence=session, user=bob)
    svc.register(occurrence=session, user=UserFactory())
    waiting = UserFactory()
    svc.register(occurrence=session, user=waiting)
    if persona == "waitlisted":
        client = persona_client("anonymous")
        client.force_login(waiting)
    else:
        client = persona_client(persona)

    for page in (
        reverse("events:event-detail", args=[session.event.slug]),
        url("occurrence-detail", session),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert (LINK in response.content.decode()) is sees


def test_the_box_offers_the_waiting_list_when_full_and_the_guest_form_to_visitors(session):
    from django.contrib.auth.models import AnonymousUser

    html = box(session, AnonymousUser())
    assert "2 places restantes" in html
    assert url("register-guest", session) in html
    svc.register(occurrence=session, user=UserFactory())
    svc.register(occurrence=session, user=UserFactory())
    session.refresh_from_db()
    html = box(session, UserFactory())
    assert "Complet" in html and "Rejoindre la liste d'attente" in html


def test_the_box_of_a_past_session_says_registrations_are_closed(session, bob):
    with time_machine.travel(SESSION_DAY + datetime.timedelta(days=1)):
        html = box(session, bob)
    assert "Les inscriptions sont closes" in html
    assert url("register", session) not in html


# --- registering from the pages ---------------------------------------------------------------


def test_registering_twice_from_the_page_registers_once(session, persona_client, bob):
    client = persona_client("bob")
    for _ in range(2):
        response = client.post(url("register", session), {"next": "/agenda/mes-inscriptions/"})
        assert response.status_code == 302
        assert response["Location"] == "/agenda/mes-inscriptions/"
    assert Registration.objects.filter(user=bob).count() == 1
    page = client.get(reverse("events:my-registrations"))
    assert "Déjà inscrit" in page.content.decode() or "déjà inscrit" in page.content.decode()
    assert page.content.decode().count("cafe-visio") >= 1


def test_a_foreign_next_is_ignored(session, persona_client):
    response = persona_client("bob").post(
        url("register", session), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_cancelling_from_the_page_promotes_the_waiting_person(session, persona_client, bob):
    svc.register(occurrence=session, user=bob)
    svc.register(occurrence=session, user=UserFactory())
    waiting = svc.register(occurrence=session, user=UserFactory())

    response = persona_client("bob").post(url("unregister", session))

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_a_guest_registers_then_confirms_with_a_button(
    session, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("register-guest", session),
            {"guest-name": "Zoé", "guest-email": "zoe@example.org", "guest-share_contact": "on"},
        )
    assert response.status_code == 302
    registration = Registration.objects.get(guest_email="zoe@example.org")
    assert registration.share_contact is True
    confirm = reverse("events:registration-confirm", args=[registration.token])
    assert confirm in mail.outbox[0].body

    # A mail scanner following the link confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200
    assert "Je confirme mon inscription" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.UNCONFIRMED

    assert client.post(confirm).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert "est confirmée" in client.get(confirm).content.decode()


def test_a_guest_form_with_a_bad_address_shows_the_error_next_to_the_field(session, client):
    response = client.post(
        url("register-guest", session), {"guest-name": "Zoé", "guest-email": "pas-une-adresse"}
    )
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_expired_guest_link_says_so(session, client):
    guest = svc.register_guest(occurrence=session, name="Zoé", email="zoe@example.org")
    confirm = reverse("events:registration-confirm", args=[guest.token])
    with time_machine.travel(NOW + datetime.timedelta(hours=30)):
        response = client.post(confirm)
    assert response.status_code == 409
    assert "Ce lien a expiré" in response.content.decode()


def test_a_guest_cancels_through_their_link(session, client):
    guest = svc.register_guest(occurrence=session, name="Zoé", email="zoe@example.org")
    svc.confirm_guest(registration=guest)
    cancel = reverse("events:registration-cancel-guest", args=[guest.token])

    assert "Annuler mon inscription" in client.get(cancel).content.decode()
    assert client.post(cancel).status_code == 302

    guest.refresh_from_db()
    assert guest.status == Status.CANCELLED
    session.refresh_from_db()
    assert session.confirmed_count == 0


def test_an_unknown_token_is_not_found(db, client):
    assert client.get(reverse("events:registration-confirm", args=["nope"])).status_code == 404


# --- organisers -------------------------------------------------------------------------------


def test_organisers_approve_from_the_registrants_page(network_a, persona_client, bob):
    occurrence = make_occurrence(capacity=3, network=network_a, requires_approval=True)
    registration = svc.register(occurrence=occurrence, user=bob)
    client = persona_client("dora")

    page = client.get(url("registrants", occurrence))
    assert "Valider" in page.content.decode()
    decide = url("registration-decide", occurrence, registration.pk)
    summary = client.get(decide, {"decision": "approve"}).content.decode()
    assert "Valider l&#x27;inscription de Bob ?" in summary
    assert 'name="decision" value="approve"' in summary
    client.post(decide, {"decision": "approve"})  # without the flag: the summary again
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
    response = client.post(decide, {"decision": "approve", "confirm": "oui"})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_the_registrants_page_has_a_bounded_number_of_queries(
    session, persona_client, django_assert_max_num_queries
):
    for _ in range(8):
        svc.register(occurrence=session, user=UserFactory())
    client = persona_client("dora")
    with django_assert_max_num_queries(20):
        response = client.get(url("registrants", session))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 9


def test_my_registrations_lists_coming_sessions_with_a_bounded_number_of_queries(
    persona_client, bob, django_assert_max_num_queries
):
    sessions = [make_occurrence(capacity=1, title=f"Séance {n}") for n in range(6)]
    for occurrence in sessions:
        svc.register(occurrence=occurrence, user=bob)
    svc.cancel_registration(registration=Registration.objects.filter(user=bob).first())
    client = persona_client("bob")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:my-registrations"))
    html = response.content.decode()
    assert all(f"Séance {n}" in html for n in range(6))
    assert "Annulées" in html


def test_attendance_is_ticked_on_the_day(session, persona_client, bob, charlie):
    here = svc.register(occurrence=session, user=bob)
    away = svc.register(occurrence=session, user=charlie)
    client = persona_client("dora")

    early = client.post(url("attendance", session), {"present": [str(here.pk)]})
    assert early.status_code == 409
    assert "le jour de la séance" in early.content.decode()
    with time_machine.travel(SESSION_DAY):
        response = client.post(url("attendance", session), {"present": [str(here.pk)]})

    assert response.status_code == 302
    assert dict(Registration.objects.values_list("pk", "attended")) == {
        here.pk: True,
        away.pk: False,
    }


def test_the_csv_export_has_a_bom_a_semicolon_option_and_respects_consent(
    session, persona_client, bob, charlie
):
    svc.register(occurrence=session, user=bob, share_contact=True)
    svc.register(occurrence=session, user=charlie, share_contact=False)
    client = persona_client("dora")

    response = client.get(url("registrants-csv", session) + "?sep=semicolon")

    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffNom;E-mail;Statut")
    assert "Bob;bob@example.org;Inscrit·e" in body
    assert "Charlie;;Inscrit·e" in body
    assert "charlie@example.org" not in body
    assert response["Content-Disposition"].startswith('attachment; filename="inscrits-')


def test_a_network_event_is_hidden_from_outsiders(network_a, persona_client):
    occurrence = make_occurrence(network=network_a, audience=Audience.NETWORK)
    assert persona_client("erin").get(url("registrants", occurrence)).status_code == 404
    assert persona_client("erin").post(url("register", occurrence)).status_code == 404
    assert not Registration.objects.exists()


# --- digest opt-in ----------------------------------------------------------------------------


def test_people_opt_in_and_out_of_the_weekly_digest(persona_client, bob, network_a, network_b):
    client = persona_client("bob")
    page = client.get(reverse("events:digest"))
    assert "Réseau A" in page.content.decode()

    client.post(reverse("events:digest"), {"networks": [network_a.pk, network_b.pk]})
    assert set(DigestSubscription.objects.filter(user=bob).values_list("network", flat=True)) == {
        network_a.pk,
        network_b.pk,
    }
    client.post(reverse("events:digest"), {"networks": [network_b.pk]})
    assert list(DigestSubscription.objects.filter(user=bob).values_list("network", flat=True)) == [
        network_b.pk
    ]
    client.post(reverse("events:digest"), {})
    assert not DigestSubscription.objects.filter(user=bob).exists()


# --- permission matrix ------------------------------------------------------------------------

ORGANISERS = {"dora", "root"}
# (url name, method, expected status per persona: organisers / logged in / anonymous)
MATRIX = [
    ("my-registrations", "get", 200, 200, 302),
    ("digest", "get", 200, 200, 302),
    ("register", "post", 302, 302, 302),
    ("unregister", "post", 302, 302, 302),
    ("register-guest", "post", 400, 400, 400),
    ("registrants", "get", 200, 403, 302),
    ("registrants-csv", "get", 200, 403, 302),
    ("attendance", "get", 200, 403, 302),
    ("registration-decide", "post", 302, 403, 302),
    ("registration-confirm", "get", 200, 200, 200),
    ("registration-cancel-guest", "get", 200, 200, 200),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "organiser", "member", "anonymous"), MATRIX)
def test_permission_matrix(
    persona_client, session, persona, name, method, organiser, member, anonymous
):
    guest = svc.register_guest(occurrence=session, name="Zoé", email="zoe@example.org")
    if name in {"my-registrations", "digest"}:
        target = reverse(f"events:{name}")
    elif name in {"registration-confirm", "registration-cancel-guest"}:
        target = reverse(f"events:{name}", args=[guest.token])
    elif name == "registration-decide":
        target = url(name, session, guest.pk)
    else:
        target = url(name, session)
    client = persona_client(persona)

    response = getattr(client, method)(target)

    if persona == "anonymous":
        expected = anonymous
    elif persona in ORGANISERS:
        expected = organiser
    else:
        expected = member
    assert response.status_code == expected
    if persona == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("account_login"))


def test_guest_registrations_are_limited_per_address_written_to(session, client, settings):
    settings.MAILLAGE_RATE_LIMITS = {"guest_registration": {"ip": "100/h", "email": "2/h"}}
    for _ in range(2):
        client.post(
            url("register-guest", session), {"guest-name": "Zoé", "guest-email": "zoe@example.org"}
        )
    mail.outbox.clear()

    response = client.post(
        url("register-guest", session), {"guest-name": "Zoé", "guest-email": "ZOE@example.org"}
    )

    assert response.status_code == 429
    assert "Trop de demandes en peu de temps" in response.content.decode()
    assert "<html" in response.content.decode()  # the styled page, the form kept
    assert mail.outbox == []


def test_guest_registrations_are_limited_per_client_address(
    session, client, settings, django_capture_on_commit_callbacks
):
    settings.MAILLAGE_RATE_LIMITS = {"guest_registration": {"ip": "3/h", "email": "100/h"}}
    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            client.post(
                url("register-guest", session),
                {"guest-name": "Spam", "guest-email": f"victime{i}@example.org"},
            ).status_code
            for i in range(5)
        ]

    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert Registration.objects.count() == 3


def test_the_confirmation_mail_does_not_repeat_what_the_sender_typed(
    session, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("register-guest", session),
            {"guest-name": "Gagnez 1000 € sur arnaque.example", "guest-email": "zoe@example.org"},
        )

    assert "arnaque" not in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Bonjour,")


def test_links_in_the_mail_follow_the_served_address(
    session, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8100/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("register-guest", session), {"guest-name": "Zoé", "guest-email": "zoe@example.org"}
        )

    assert "http://127.0.0.1:8100/agenda/" in mail.outbox[0].body
    assert ":8000" not in mail.outbox[0].body


def test_refusing_a_registration_asks_first(network_a, persona_client, bob):
    occurrence = make_occurrence(capacity=3, network=network_a, requires_approval=True)
    registration = svc.register(occurrence=occurrence, user=bob)
    client = persona_client("dora")
    decide = url("registration-decide", occurrence, registration.pk)

    summary = client.get(decide, {"decision": "refuse"}).content.decode()

    assert "ne peut pas être rétablie" in summary
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
    client.post(decide, {"decision": "refuse", "confirm": "oui"})
    registration.refresh_from_db()
    assert registration.status == Status.REFUSED
