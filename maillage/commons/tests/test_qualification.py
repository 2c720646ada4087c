"""Qualification grids are versioned, qualifications never edited (a new one supersedes), the
readings of several guides show side by side, old ones are flagged, and the health figures are
counted. Questions link commons, people and places."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from maillage.commons import qualification
from maillage.commons.models import Contribution, Grid, Qualification, Question, Usage
from maillage.commons.services import InvalidCommons, NotAllowed
from maillage.conftest import PERSONAS

pytestmark = pytest.mark.django_db

CRITERIA = """Temps d'appropriation : moins d'un jour | une semaine | un mois
Accompagnement disponible : oui, près de chez vous | à distance | aucun"""


@pytest.fixture
def grid(gaelle, network_a):
    return qualification.create_grid(
        network=network_a, by=gaelle, nature="tool", criteria_text=CRITERIA
    )


def answers_for(grid: Grid, *levels: int) -> dict[int, int]:
    return {c.pk: level for c, level in zip(grid.criteria.all(), levels, strict=True)}


def test_a_new_grid_for_the_same_nature_is_a_new_version(gaelle, network_a, grid):
    again = qualification.create_grid(
        network=network_a, by=gaelle, nature="tool", criteria_text="Coût : gratuit | payant"
    )

    assert (grid.version, again.version) == (1, 2)
    assert qualification.current_grid(network=network_a, nature="tool") == again
    assert grid.criteria.first().levels == [
        "moins d'un jour",
        "une semaine",
        "un mois",
    ]


@pytest.mark.parametrize("text", ["", "Sans niveaux", "Un seul : niveau", "Vide : | |"])
def test_a_badly_written_grid_is_refused_with_its_line(gaelle, network_a, text):
    with pytest.raises(InvalidCommons):
        qualification.create_grid(network=network_a, by=gaelle, nature="tool", criteria_text=text)
    assert not Grid.objects.exists()


def test_only_the_networks_guides_write_its_grids(alice, network_a):
    with pytest.raises(NotAllowed):
        qualification.create_grid(
            network=network_a, by=alice, nature="tool", criteria_text=CRITERIA
        )


def test_qualifying_again_supersedes_and_never_edits(gaelle, grid, paheko):
    first = qualification.qualify(commons=paheko, by=gaelle, answers=answers_for(grid, 0, 1))
    second = qualification.qualify(commons=paheko, by=gaelle, answers=answers_for(grid, 1, 0))

    first.refresh_from_db()
    assert first.answers == {str(c.pk): v for c, v in zip(grid.criteria.all(), [0, 1], strict=True)}
    assert second.supersedes == first
    assert [r.qualification for r in qualification.readings(commons=paheko)] == [second]


def test_a_qualification_must_answer_every_criterion_with_a_known_level(gaelle, grid, paheko):
    with pytest.raises(InvalidCommons):
        qualification.qualify(commons=paheko, by=gaelle, answers={grid.criteria.first().pk: 0})
    with pytest.raises(InvalidCommons):
        qualification.qualify(commons=paheko, by=gaelle, answers=answers_for(grid, 0, 9))
    assert not Qualification.objects.exists()


def test_two_guides_readings_show_side_by_side_and_old_ones_are_flagged(gaelle, dora, grid, paheko):
    past = timezone.now() - datetime.timedelta(days=400)
    with time_machine.travel(past):
        qualification.qualify(commons=paheko, by=dora, answers=answers_for(grid, 2, 2))
    qualification.qualify(
        commons=paheko, by=gaelle, answers=answers_for(grid, 0, 0), note="Facile."
    )

    readings = qualification.readings(commons=paheko)

    assert [(r.qualification.author, r.stale) for r in readings] == [(gaelle, False), (dora, True)]
    assert readings[0].levels[0] == ("Temps d'appropriation", "moins d'un jour", 0, 3)


def test_health_counts_places_and_recent_contributions(paheko, place, alice):
    Usage.objects.create(commons=paheko, place=place)
    today = timezone.localdate()
    Contribution.objects.create(commons=paheko, kind="code", summary="a", happened_on=today)
    Contribution.objects.create(
        commons=paheko, kind="code", summary="b", happened_on=today - datetime.timedelta(days=500)
    )

    health = qualification.health(commons=paheko)

    assert (health.places, health.contributions_12_months) == (1, 1)
    assert health.last_activity == today


def test_the_page_and_the_api_show_the_readings(client, gaelle, grid, paheko):
    qualification.qualify(commons=paheko, by=gaelle, answers=answers_for(grid, 0, 1))

    assert "Selon Gaëlle" in client.get(paheko.get_absolute_url()).content.decode()
    data = client.get("/api/v1/commons/paheko/qualifications").json()
    assert data[0]["levels"][1] == {
        "criterion": "Accompagnement disponible", "level": "à distance", "index": 1, "levels": 3,
    }  # fmt: skip


def test_qualifying_from_the_page(client, gaelle, grid, paheko):
    client.force_login(gaelle)
    url = reverse("commons:qualify", args=[paheko.slug])
    fields = {f"criterion_{c.pk}": 0 for c in grid.criteria.all()}

    assert client.post(url, {}).status_code == 200  # refused, beside the fields
    assert client.post(url, fields).status_code == 302
    assert Qualification.objects.count() == 1


MATRIX = {
    "anonymous": (302, 302, 200, 302),
    "bob": (403, 403, 200, 403),
    "charlie": (403, 403, 200, 403),
    "alice": (403, 403, 200, 403),
    "erin": (200, 403, 200, 200),
    "dora": (200, 200, 200, 200),
    "root": (200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, persona_client, grid, paheko):
    client = persona_client(persona)
    urls = [
        reverse("commons:grids"),
        reverse("commons:qualify", args=[paheko.slug]),
        reverse("commons:questions"),
        reverse("commons:question-create"),
    ]

    assert tuple(client.get(url).status_code for url in urls) == MATRIX[persona]


def test_a_question_links_commons_people_and_places(client, gaelle, network_a, paheko, place, bob):
    from maillage.commons.models import Contact

    contact = Contact.objects.create(commons=paheko, user=bob, helps_with="x")
    qualification.save_question(
        by=gaelle,
        data=qualification.QuestionData(
            network=network_a, domain="comptabilite",
            question="Faut-il un logiciel pour tenir les comptes d'une association ?",
            answer="Un tableur suffit au début ; au-delà de 50 adhérents…",
            commons=[paheko], contacts=[contact], places=[place],
        ),
    )  # fmt: skip

    page = client.get(reverse("commons:questions")).content.decode()
    assert "Faut-il un logiciel" in page and "Bob (Paheko)" in page and "La Bobine" in page
    assert Question.objects.get().commons.get() == paheko
