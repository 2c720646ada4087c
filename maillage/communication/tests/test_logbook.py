"""Tour logbooks: who writes at which stop, photos checked by their content and kept private,
the page (public when the tour is), its PDF, the link from the tour's page and removal."""

import datetime
import io

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from maillage.accounts.tests.factories import UserFactory
from maillage.communication import logbook
from maillage.communication.models import LogbookEntry
from maillage.events.models import Audience, EventKind, TourStop
from maillage.events.tests.factories import EventFactory

START = datetime.datetime(2027, 5, 12, 7, 0, tzinfo=datetime.UTC)


def jpeg(size=(900, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 90)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def organiser(db):
    return UserFactory(email="orga@example.org", display_name="Olga")


@pytest.fixture
def tour(network_a, organiser, place, other_place):
    event = EventFactory(
        network=network_a,
        kind=EventKind.TOUR,
        title="Tournée à vélo",
        slug="tournee-a-velo",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=9),
    )
    event.organisers.add(organiser)
    for position, where in enumerate([place, other_place], start=1):
        TourStop.objects.create(
            event=event,
            place=where,
            position=position,
            arrives_at=START + datetime.timedelta(hours=2 * position),
            leaves_at=START + datetime.timedelta(hours=2 * position + 1),
        )
    return event


def first_stop(tour) -> TourStop:
    return tour.stops.get(position=1)


@pytest.mark.django_db
def test_the_organiser_and_the_stops_managers_write_there_but_no_one_else(
    tour, organiser, alice, charlie, bob
):
    stop = first_stop(tour)  # La Bobine, managed by Alice
    assert logbook.add_entry(by=organiser, stop=stop, text="Départ sous le soleil.")
    assert logbook.add_entry(by=alice, stop=stop, text="Douze cyclistes accueilli·es.")
    with pytest.raises(logbook.NotAllowed):
        logbook.add_entry(by=charlie, stop=stop, text="Je manage un autre lieu.")
    with pytest.raises(logbook.NotAllowed):
        logbook.add_entry(by=bob, stop=stop, text="Je suis coworker.")
    assert LogbookEntry.objects.filter(stop=stop).count() == 2


@pytest.mark.django_db
def test_a_photo_is_reencoded_without_metadata_and_needs_a_description(tour, alice):
    stop = first_stop(tour)
    with pytest.raises(logbook.LogbookError) as refused:
        logbook.add_entry(
            by=alice, stop=stop, text="Photo", photo=SimpleUploadedFile("a.jpg", jpeg())
        )
    assert refused.value.field == "alt_text"
    entry = logbook.add_entry(
        by=alice,
        stop=stop,
        text="L'atelier vélo",
        photo=SimpleUploadedFile("moi-chez-moi.jpg", jpeg((3000, 2000))),
        alt_text="Des vélos alignés devant la Bobine",
    )
    assert "moi-chez-moi" not in entry.photo.name
    stored = Image.open(entry.photo.open("rb"))
    assert stored.format == "JPEG" and max(stored.size) == logbook.PHOTO_SIDE
    assert (entry.photo_width, entry.photo_height) == stored.size


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"%PDF-1.4 not a photo", b"GIF89a truncated"],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(tour, alice, content):
    with pytest.raises(logbook.LogbookError) as refused:
        logbook.add_entry(
            by=alice,
            stop=first_stop(tour),
            text="Note",
            photo=SimpleUploadedFile("photo.jpg", content),
            alt_text="Une photo",
        )
    assert refused.value.field == "photo"
    assert "photo" in str(refused.value.message)
    assert not LogbookEntry.objects.exists()


@pytest.mark.django_db
def test_a_photo_over_the_size_limit_is_refused(tour, alice, settings):
    settings.MAX_PHOTO_BYTES = 1000
    with pytest.raises(logbook.LogbookError, match="taille maximale"):
        logbook.add_entry(
            by=alice,
            stop=first_stop(tour),
            text="Note",
            photo=SimpleUploadedFile("p.jpg", jpeg()),
            alt_text="Une photo",
        )
    assert not LogbookEntry.objects.exists()


@pytest.mark.django_db
def test_an_empty_note_is_refused_next_to_its_field(client, tour, alice):
    client.force_login(alice)
    stop = first_stop(tour)
    response = client.post(
        reverse("communication:logbook-add", args=[tour.slug, stop.pk]),
        {f"stop{stop.pk}-text": "   "},
    )
    assert response.status_code == 422
    assert not LogbookEntry.objects.exists()


@pytest.mark.django_db
def test_a_public_tours_logbook_is_read_by_anyone_with_its_photos(client, tour, alice):
    entry = logbook.add_entry(
        by=alice,
        stop=first_stop(tour),
        text="Goûter partagé avec les voisin·es.",
        photo=SimpleUploadedFile("p.png", jpeg()),
        alt_text="Le goûter",
    )
    page = client.get(reverse("communication:logbook", args=[tour.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Goûter partagé avec les voisin·es." in html and 'alt="Le goûter"' in html
    assert "Écrire à cette étape" not in html  # an anonymous visitor reads only
    photo = client.get(reverse("communication:logbook-photo", args=[tour.slug, entry.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_members_only_tour_hides_its_logbook_and_photos_from_the_public(client, tour, alice):
    tour.audience = Audience.NETWORK
    tour.save()
    entry = logbook.add_entry(
        by=alice,
        stop=first_stop(tour),
        text="Réservé",
        photo=SimpleUploadedFile("p.jpg", jpeg()),
        alt_text="Une photo",
    )
    assert client.get(reverse("communication:logbook", args=[tour.slug])).status_code == 404
    photo_url = reverse("communication:logbook-photo", args=[tour.slug, entry.pk])
    assert client.get(photo_url).status_code == 404
    assert client.get(reverse("communication:logbook-pdf", args=[tour.slug])).status_code == 404


@pytest.mark.django_db
def test_a_stops_manager_writes_from_the_page_only_at_their_stop(client, tour, alice):
    client.force_login(alice)
    stop, other = tour.stops.order_by("position")
    html = client.get(reverse("communication:logbook", args=[tour.slug])).content.decode()
    assert html.count("Écrire à cette étape") == 1
    response = client.post(
        reverse("communication:logbook-add", args=[tour.slug, stop.pk]),
        {
            f"stop{stop.pk}-text": "Atelier réparation : 8 vélos remis en route.",
            f"stop{stop.pk}-photo": SimpleUploadedFile("v.jpg", jpeg()),
            f"stop{stop.pk}-alt_text": "Un vélo sur un pied d'atelier",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#etape-{stop.pk}")
    assert LogbookEntry.objects.get().photo
    refused = client.post(
        reverse("communication:logbook-add", args=[tour.slug, other.pk]),
        {f"stop{other.pk}-text": "Pas mon lieu"},
    )
    assert refused.status_code == 403
    assert LogbookEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_pdf_carries_the_stops_notes_and_photos(client, tour, alice, organiser):
    logbook.add_entry(
        by=alice,
        stop=first_stop(tour),
        text="Une note dans le PDF",
        photo=SimpleUploadedFile("p.jpg", jpeg()),
        alt_text="Photo",
    )
    response = client.get(reverse("communication:logbook-pdf", args=[tour.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "carnet-de-route-tournee-a-velo.pdf" in response["Content-Disposition"]
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "Une note dans le PDF" in text and "La Bobine" in text and "Le Hangar" in text
    images = [
        obj
        for i in range(len(document))
        for obj in document[i].get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])
    ]
    assert images, "the photo is embedded in the PDF"


@pytest.mark.django_db
def test_the_author_removes_their_note_after_confirming_and_others_cannot(
    client, tour, alice, charlie, organiser
):
    entry = logbook.add_entry(by=alice, stop=first_stop(tour), text="À retirer")
    url = reverse("communication:logbook-remove", args=[tour.slug, entry.pk])
    client.force_login(charlie)
    assert client.post(url, {"confirm": "oui"}).status_code == 403
    client.force_login(alice)
    asked = client.post(url)
    assert asked.status_code == 200 and "Retirer la note" in asked.content.decode()
    assert LogbookEntry.objects.filter(pk=entry.pk).exists()
    assert client.post(url, {"confirm": "oui"}).status_code == 302
    assert not LogbookEntry.objects.filter(pk=entry.pk).exists()
    # The organiser may remove anyone's note.
    other = logbook.add_entry(by=alice, stop=first_stop(tour), text="Autre")
    logbook.remove_entry(by=organiser, entry=other)
    assert not LogbookEntry.objects.exists()


@pytest.mark.django_db
def test_the_tours_page_links_to_its_logbook_and_other_events_do_not(client, tour, alice):
    logbook.add_entry(by=alice, stop=first_stop(tour), text="Une note")
    html = client.get(reverse("events:event-detail", args=[tour.slug])).content.decode()
    assert reverse("communication:logbook", args=[tour.slug]) in html and "1 note" in html
    cafe = EventFactory(network=tour.network, slug="un-cafe")
    html = client.get(reverse("events:event-detail", args=[cafe.slug])).content.decode()
    assert "Carnet de route" not in html
    assert client.get(reverse("communication:logbook", args=[cafe.slug])).status_code == 404
