"""Event relay: share cards drawn on the server in the social networks' sizes, Open Graph tags,
RSS/Atom feeds a real parser reads, the embeddable agenda, the weekly export and moderated
proposals to a network's agenda."""

import datetime
import io

import feedparser
import pytest
import time_machine
from django.urls import reverse
from PIL import Image, ImageDraw

from maillage.circles.tests.factories import CircleFactory
from maillage.communication import cards, relay
from maillage.communication.models import Submission
from maillage.events.models import Audience, Event
from maillage.events.services import EventData, create_event
from maillage.lib.urls import site_url

PARIS = datetime.timezone(datetime.timedelta(hours=1))
NOW = "2027-01-11 08:00 +01:00"  # a Monday


def _event(by, owner, title, day, *, audience=Audience.PUBLIC, venue=None, kind="rencontre"):
    start = datetime.datetime(2027, 1, day, 18, 0, tzinfo=PARIS)
    return create_event(
        by=by,
        owner=owner,
        data=EventData(
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            description="Un **apéro** pour se rencontrer.",
            venue=venue,
            audience=audience,
        ),
    )


@pytest.fixture
def agenda(network_a, dora, membership, place):
    with time_machine.travel("2027-01-01 10:00 +01:00"):
        public = _event(dora, network_a, "Apéro des tiers-lieux & voisins", 14, venue=place)
        private = _event(dora, network_a, "Réunion interne", 15, audience=Audience.NETWORK)
        later = _event(dora, network_a, "Atelier affiches", 25)
    return public, private, later


@time_machine.travel(NOW)
@pytest.mark.django_db
@pytest.mark.parametrize("size", list(cards.SIZES))
def test_cards_are_rendered_in_each_networks_size(client, agenda, size):
    public, _private, _later = agenda
    response = client.get(reverse("communication:card", args=[public.slug, size]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    spec = cards.SIZES[size]
    assert image.size == (spec.width, spec.height)
    assert image.format == "PNG"


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_the_time_on_a_card_never_breaks_across_two_lines(agenda):
    public, _private, _later = agenda
    when = cards.card_text(event=public).when
    assert when.endswith("18\u00a0h\u00a000")
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = cards._font(40, bold=False)
    # Room for everything up to the hour, not for "h 00": the whole time goes down a line.
    room = int(draw.textlength(when.split("\u00a0")[0], font=font)) + 4
    lines = cards._wrap(draw, when, font, room, 3)
    assert lines[-1] == "18\u00a0h\u00a000" and "".join(lines).count("18") == 1


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_a_card_wears_the_networks_colours(client, agenda, network_a, dora):
    public, _private, _later = agenda
    relay.set_colours(by=dora, network=network_a, primary="#aa0000", accent="#00aa00")
    response = client.get(reverse("communication:card", args=[public.slug, "og"]))
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.getpixel((600, 620)) == (0xAA, 0, 0)  # the background
    assert image.getpixel((5, 300)) == (0, 0xAA, 0)  # the accent band
    with pytest.raises(relay.InvalidSubmission):
        relay.set_colours(by=dora, network=network_a, primary="red", accent="#00aa00")


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_a_card_is_drawn_only_for_who_may_see_the_event(client, agenda, alice):
    _public, private, _later = agenda
    url = reverse("communication:card", args=[private.slug, "og"])
    assert client.get(url).status_code == 404
    client.force_login(alice)  # manager of a member place: a network member
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private"


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_event_pages_carry_open_graph_tags(client, agenda):
    public, _private, _later = agenda
    html = client.get(reverse("events:event-detail", args=[public.slug])).content.decode()
    card = reverse("communication:card", args=[public.slug, "og"])
    assert f'<meta property="og:image" content="http://testserver{card}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert 'name="twitter:card" content="summary_large_image"' in html
    assert "Apéro des tiers-lieux &amp; voisins" in html
    share = client.get(reverse("communication:event-share", args=[public.slug]))
    assert share.status_code == 200 and "1080&nbsp;×&nbsp;1920" in share.content.decode()


@time_machine.travel(NOW)
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feeds_are_valid_for_a_real_parser(client, agenda, network_a, place, dora, fmt):
    circle = CircleFactory(network=network_a, name="Cercle communication", slug="cercle-com")
    with time_machine.travel("2027-01-01 10:00 +01:00"):
        _event(dora, circle, "Cercle : point mensuel", 20)
    urls = {
        "network": reverse(f"communication:network-{fmt}", args=[network_a.slug]),
        "circle": reverse(f"communication:circle-{fmt}", args=[circle.slug]),
        "place": reverse(f"communication:place-{fmt}", args=[place.slug]),
    }
    titles = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
        titles[name] = [entry.title for entry in parsed.entries]
        for entry in parsed.entries:
            assert entry.link.startswith(site_url() + "/agenda/")
    assert any("Apéro des tiers-lieux & voisins" in t for t in titles["network"])
    assert any("Atelier affiches" in t for t in titles["network"])
    assert any("point mensuel" in t for t in titles["network"])  # the network's circles too
    assert not any("Réunion interne" in t for t in titles["network"])  # not public
    assert [t.split(" — ")[0] for t in titles["circle"]] == ["Cercle : point mensuel"]
    assert [t.split(" — ")[0] for t in titles["place"]] == ["Apéro des tiers-lieux & voisins"]


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_the_widget_may_be_framed_anywhere(client, agenda, network_a):
    response = client.get(reverse("communication:widget", args=[network_a.slug]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "Apéro des tiers-lieux" in html and "Réunion interne" not in html


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_the_weekly_export_lists_this_weeks_public_sessions(client, agenda, network_a):
    html = client.get(reverse("communication:weekly-html", args=[network_a.slug])).content.decode()
    assert "Apéro des tiers-lieux" in html and "Atelier affiches" not in html  # next week
    assert "<script" not in html and 'style="' in html  # e-mail-ready: inline styles only
    text = client.get(reverse("communication:weekly-text", args=[network_a.slug])).content.decode()
    assert "• Apéro des tiers-lieux & voisins" in text  # plain text, not escaped
    assert "jeudi 14 janvier 2027, 18 h 00 · La Bobine" in text
    following = client.get(
        reverse("communication:weekly-text", args=[network_a.slug]) + "?semaine=2027-01-25"
    ).content.decode()
    assert "Atelier affiches" in following


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_a_member_place_publishes_at_once(alice, network_a, place, membership):
    start = datetime.datetime(2027, 2, 3, 18, 0, tzinfo=PARIS)
    submission = relay.submit_event(
        by=alice, network=network_a, kind="rencontre", title="Portes ouvertes",
        starts_at=start, ends_at=start + datetime.timedelta(hours=3), place=place,
    )  # fmt: skip
    assert submission.status == Submission.Status.ACCEPTED
    event = Event.objects.get(slug=submission.event_slug)
    assert event.place == place and event.status == Event.Status.PUBLISHED


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_anyone_else_is_moderated_by_the_coordination(bob, charlie, dora, network_a):
    start = datetime.datetime(2027, 2, 3, 18, 0, tzinfo=PARIS)
    submission = relay.submit_event(
        by=bob, network=network_a, kind="autre", title="Troc de graines",
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), address="Place du marché",
    )  # fmt: skip
    assert submission.status == Submission.Status.PENDING and not Event.objects.exists()
    assert dora.notifications.filter(topic="communication.submission").exists()
    with pytest.raises(relay.NotAllowed):
        relay.review_submission(by=charlie, submission=submission, accept=True)
    with pytest.raises(relay.InvalidSubmission):
        relay.review_submission(by=dora, submission=submission, accept=False, reason="")
    relay.review_submission(by=dora, submission=submission, accept=True)
    event = Event.objects.get(slug=submission.event_slug)
    assert event.network == network_a and event.address == "Place du marché"
    with pytest.raises(relay.AlreadyReviewed):
        relay.review_submission(by=dora, submission=submission, accept=True)


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_a_proposal_in_the_past_is_refused_next_to_the_field(client, bob, network_a):
    client.force_login(bob)
    response = client.post(
        reverse("communication:submit", args=[network_a.slug]),
        {"kind": "autre", "title": "Hier", "starts_at": "2027-01-01T10:00",
         "ends_at": "2027-01-01T12:00", "address": "Ici"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Proposez une animation à venir." in response.content.decode()
    assert not Submission.objects.exists()


RELAY_PAGE = {
    "anonymous": 200,
    "bob": 200,
    "charlie": 200,
    "alice": 200,
    "erin": 200,
    "dora": 200,
    "root": 200,
}
QUEUE = {
    "anonymous": 302,
    "bob": 403,
    "charlie": 403,
    "alice": 403,
    "erin": 403,
    "dora": 200,
    "root": 200,
}


@time_machine.travel(NOW)
@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["anonymous", "bob", "charlie", "alice", "erin", "dora", "root"]
)
def test_permission_matrix_of_the_relay(persona_client, network_a, persona):
    client = persona_client(persona)
    page = client.get(reverse("communication:network-relay", args=[network_a.slug]))
    assert page.status_code == RELAY_PAGE[persona]
    assert ("Couleurs des cartes" in page.content.decode()) == (persona in {"dora", "root"})
    queue = client.get(reverse("communication:submissions", args=[network_a.slug]))
    assert queue.status_code == QUEUE[persona]
    colours = client.post(
        reverse("communication:network-relay", args=[network_a.slug]),
        {"primary": "#000000", "accent": "#ffffff"},
    )
    assert colours.status_code == (302 if persona in {"dora", "root"} else 403)


@time_machine.travel(NOW)
@pytest.mark.django_db
def test_an_unknown_kind_is_refused(bob, network_a):
    from maillage.events.selectors import event_kind_choices

    assert ("rencontre", "Rencontre") in event_kind_choices()
    start = datetime.datetime(2027, 2, 3, 18, 0, tzinfo=PARIS)
    with pytest.raises(relay.InvalidSubmission) as refused:
        relay.submit_event(
            by=bob, network=network_a, kind="rave", title="X", starts_at=start,
            ends_at=start + datetime.timedelta(hours=1), address="Ici",
        )  # fmt: skip
    assert refused.value.field == "kind"
