"""The communication kit and the case library: files checked by their content (type, size,
active content refused, nothing stored), previews, versions, review, adaptation with
attribution, downloads counted and files served safely."""

import io
import zipfile

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from maillage.communication import kit
from maillage.communication.models import Resource, ResourceVersion
from maillage.conftest import PERSONAS


def png(size=(800, 400), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


POSTER = kit.ResourceData(
    kind="poster",
    title="Affiche portes ouvertes",
    summary="Une affiche A3 à personnaliser.",
    licence="cc-by-sa-4.0",
    tags=["Affiche", "portes ouvertes"],
    actions=["animer"],
)


@pytest.fixture
def poster(alice, network_a, membership):
    return kit.contribute(by=alice, network=network_a, data=POSTER, upload=upload("a.png", png()))


@pytest.mark.django_db
def test_a_members_image_is_kept_with_a_thumbnail_and_waits_for_review(poster, dora):
    assert poster.status == Resource.Status.PENDING
    assert poster.licence == "CC-BY-SA-4.0" and poster.tags == ["affiche", "portes ouvertes"]
    version = poster.versions.get()
    assert version.content_type == "image/png" and version.number == 1
    thumb = Image.open(version.preview.open("rb"))
    assert max(thumb.size) == kit.PREVIEW_SIDE
    assert dora.notifications.filter(topic="communication.kit").exists()


@pytest.mark.django_db
def test_a_pdfs_first_page_is_its_preview(dora, network_a):
    resource = kit.contribute(
        by=dora,
        network=network_a,
        data=kit.ResourceData(
            kind="factsheet", title="Fiche", summary="Une fiche.", licence="CC-BY-4.0"
        ),
        upload=upload("fiche.pdf", pdf()),
    )
    assert resource.status == Resource.Status.PUBLISHED  # a coordinator's own: published
    version = resource.versions.get()
    assert version.content_type == "application/pdf"
    preview = Image.open(version.preview.open("rb"))
    assert preview.size[1] == kit.PREVIEW_SIDE  # portrait A4: its height is the bound


def _macro_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>", "contenu actif"),
        ("logo.svg", b'<?xml version="1.0"?><svg onload="alert(1)"></svg>', "contenu actif"),
        (
            "doc.pdf",
            pdf().replace(b"%%EOF", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>\n%%EOF"),
            "contenu actif",
        ),
        ("modele.docx", _macro_docx(), "contenu actif"),
        ("image.png", b"\x89PNG\r\n\x1a\nnot really", "ni un PDF"),
        ("notes.txt", b"juste du texte", "ni un PDF"),
    ],
)
def test_wrong_or_active_files_are_refused_and_nothing_is_stored(
    alice, network_a, membership, name, content, words
):
    with pytest.raises(kit.RefusedFile) as refused:
        kit.contribute(
            by=alice, network=network_a, data=POSTER, upload=upload(name, content, "image/png")
        )
    assert words in str(refused.value.message) and refused.value.field == "file"
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(alice, network_a, membership, settings):
    settings.MAX_KIT_BYTES = 1000
    with pytest.raises(kit.RefusedFile) as refused:
        kit.contribute(by=alice, network=network_a, data=POSTER, upload=upload("a.png", png()))
    assert "taille maximale" in str(refused.value.message)
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_photos_need_a_credit_and_lose_their_metadata(alice, network_a, membership):
    data = kit.ResourceData(
        kind="photo", title="Atelier", summary="Un atelier.", licence="CC-BY-4.0"
    )
    with pytest.raises(kit.InvalidResource) as refused:
        kit.contribute(by=alice, network=network_a, data=data, upload=upload("a.png", png()))
    assert refused.value.field == "credit"
    credited = kit.ResourceData(**{**data.given(), "credit": "Photo : Léa M."})
    photo = kit.contribute(
        by=alice, network=network_a, data=credited, upload=upload("a.png", png())
    )
    assert photo.versions.get().content_type == "image/jpeg"  # re-encoded: pixels only


@pytest.mark.django_db
def test_strangers_to_the_network_do_not_contribute(charlie, network_a, membership):
    with pytest.raises(kit.NotAllowed):
        kit.contribute(by=charlie, network=network_a, data=POSTER, upload=upload("a.png", png()))


@pytest.mark.django_db
def test_review_adapt_and_count_downloads(client, poster, dora, alice, charlie, other_place, place):
    with pytest.raises(kit.NotAllowed):
        kit.review(by=alice, resource=poster, accept=True)
    kit.review(by=dora, resource=poster, accept=True)
    kit.add_version(
        by=alice, resource=poster, upload=upload("b.png", png(colour=(0, 0, 0))), note="Plus sombre"
    )
    assert poster.versions.count() == 2
    with pytest.raises(kit.NotAllowed):
        kit.add_version(by=charlie, resource=poster, upload=upload("c.png", png()))
    copy = kit.adapt(by=charlie, resource=poster, place=other_place)
    assert copy.adapted_from == poster and copy.place == other_place
    assert (
        copy.attribution == "D'après « Affiche portes ouvertes » (Réseau A), licence CC-BY-SA-4.0."
    )
    assert copy.versions.get().note == "Copie de la version 2"
    with pytest.raises(kit.NotAllowed):
        kit.adapt(by=charlie, resource=poster, place=place)  # not her place
    response = client.get(reverse("communication:kit-download", args=[poster.slug, 2]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    poster.refresh_from_db()
    assert poster.downloads == 1


@pytest.mark.django_db
def test_no_derivatives_means_no_adaptation(dora, network_a, charlie, other_place):
    resource = kit.contribute(
        by=dora,
        network=network_a,
        data=kit.ResourceData(
            kind="pitch", title="Pitch", summary="Le pitch.", licence="CC-BY-ND-4.0", body="…"
        ),
    )
    with pytest.raises(kit.InvalidResource):
        kit.adapt(by=charlie, resource=resource, place=other_place)


@pytest.mark.django_db
def test_a_case_tells_its_context_and_what_was_done(alice, network_a, membership, place):
    data = kit.ResourceData(
        kind="case",
        title="Un café-réparation",
        summary="Réparer ensemble.",
        licence="CC-BY-4.0",
        place=place,
    )
    with pytest.raises(kit.InvalidResource) as refused:
        kit.contribute(by=alice, network=network_a, data=data)
    assert refused.value.field == "context"
    full = kit.ResourceData(
        **{
            **data.given(),
            "context": "Un bourg de 800 habitants.",
            "what_they_did": "Un samedi par mois.",
            "results": "40 objets réparés.",
        }
    )
    case = kit.contribute(by=alice, network=network_a, data=full)
    assert case.is_case and case.place == place


# Who sees a pending contribution (its author, the network's coordinators, admins).
PENDING = {
    "anonymous": 404,
    "bob": 404,
    "charlie": 404,
    "alice": 200,
    "erin": 404,
    "dora": 200,
    "root": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_the_kit(persona_client, poster, persona):
    client = persona_client(persona)
    assert client.get(poster.get_absolute_url()).status_code == PENDING[persona]
    preview = client.get(reverse("communication:kit-preview", args=[poster.slug, 1]))
    assert preview.status_code == PENDING[persona]
    assert client.get(reverse("communication:kit-list")).status_code == 200
    review = client.post(reverse("communication:kit-review", args=[poster.slug, "publier"]))
    poster.refresh_from_db()
    assert (poster.status == "published") == (persona in {"dora", "root"})
    assert review.status_code in (302, 403, 404)


@pytest.mark.django_db
def test_the_form_shows_a_refused_file_next_to_the_field(client, alice, network_a, membership):
    client.force_login(alice)
    response = client.post(
        reverse("communication:kit-create"),
        {"network": network_a.pk, "kind": "poster", "title": "X", "summary": "Y", "licence": "CC-BY-4.0",
         "file": upload("x.html", b"<html><script>1</script></html>", "image/png")},
    )  # fmt: skip
    assert response.status_code == 200
    assert "contient du contenu actif" in response.content.decode()
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_the_list_filters_by_kind_action_and_tag(client, poster, dora):
    kit.review(by=dora, resource=poster, accept=True)
    html = client.get(
        reverse("communication:kit-list") + "?action=animer&tag=affiche"
    ).content.decode()
    assert "Affiche portes ouvertes" in html
    html = client.get(reverse("communication:kit-list") + "?action=gerer").content.decode()
    assert "Affiche portes ouvertes" not in html
    html = client.get(reverse("communication:kit-list") + "?type=case").content.decode()
    assert "Affiche portes ouvertes" not in html
