import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.conftest import PERSONAS
from maillage.opportunities import selectors, services
from maillage.opportunities.models import Call
from maillage.opportunities.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


# (url name, args, expected status per persona in PERSONAS order:
#  anonymous, bob, charlie, alice, erin, dora, root)
MATRIX = [
    ("opportunities:board", [], [200, 200, 200, 200, 200, 200, 200]),
    ("opportunities:call-detail", ["tiers-lieux-nourriciers"], [200] * 7),
    ("opportunities:call-create", [], [302, 200, 403, 200, 200, 200, 200]),
    ("opportunities:moderation", [], [302, 403, 403, 403, 200, 200, 200]),
    ("opportunities:alerts", [], [302, 200, 200, 200, 200, 200, 200]),
    ("opportunities:answers", [], [302, 200, 200, 200, 200, 200, 200]),
    ("opportunities:import", [], [302, 403, 403, 403, 200, 200, 200]),
    ("opportunities:import-template", [], [302, 403, 403, 403, 200, 200, 200]),
    ("opportunities:dashboard", [], [302, 403, 403, 403, 200, 200, 200]),
    ("opportunities:dashboard-csv", [], [302, 403, 403, 403, 200, 200, 200]),
    ("opportunities:place-calls", ["la-bobine"], [302, 403, 403, 200, 403, 403, 200]),
    ("opportunities:answer-open", ["tiers-lieux-nourriciers"], [302, 403, 200, 200, 403, 403, 403]),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_the_board_pages(persona, persona_client, call):
    client = persona_client(persona)
    index = PERSONAS.index(persona)
    for name, args, expected in MATRIX:
        response = client.get(reverse(name, args=args))
        assert response.status_code == expected[index], (name, persona, response.status_code)


def test_the_board_filters_by_kind_theme_department_deadline_and_amount(client, call, network_a):
    far = CallFactory(
        title="Marché de médiation numérique",
        kind="marche",
        themes=["numerique"],
        deadline=timezone.now() + datetime.timedelta(days=80),
        amount_max_cents=20_000_000,
        network=network_a,
    )
    elsewhere = CallFactory(
        title="Appel breton", scope="local", department_codes=["29"], network=network_a
    )
    CallFactory(title="Appel clos", deadline=timezone.now() - datetime.timedelta(days=1))
    page = client.get(reverse("opportunities:board")).content.decode()
    assert "Appel clos" not in page and "Appel breton" in page
    department = call.department_codes[0]
    found = client.get(reverse("opportunities:board"), {"department": department})
    titles = [c.title for c in found.context["result"].calls]
    assert call.title in titles and far.title in titles and elsewhere.title not in titles
    soon = client.get(reverse("opportunities:board"), {"within": "30"}).context["result"].calls
    assert far not in soon and call in soon
    big = client.get(reverse("opportunities:board"), {"amount": "100000"}).context["result"]
    assert big.calls == [far]
    kinds = client.get(reverse("opportunities:board"), {"theme": "numerique"}).context["result"]
    assert kinds.calls == [far]
    assert ("marche", "Marché public", 1) in kinds.facets["kind"]


def test_an_unknown_filter_is_dropped_with_a_notice(client, call):
    response = client.get(reverse("opportunities:board"), {"kind": "nimporte", "department": "ZZ"})
    assert response.status_code == 200
    assert set(response.context["notices"]) == {"kind", "department"}
    assert "Un filtre inconnu a été ignoré." in response.content.decode()


def test_a_coordinator_publishes_a_member_proposes_and_the_proposal_is_moderated(
    client, dora, alice, membership, network_a
):
    deadline = timezone.now() + datetime.timedelta(days=20)
    data = services.CallData(
        title="AMI Fabriques de territoire",
        kind="ami",
        funder="ANCT",
        deadline=deadline,
        territory="national",
        mode="cooperative",
        network=network_a,
    )
    published = services.create_call(by=dora, data=data)
    assert published.status == Call.Status.PUBLISHED
    proposed = services.create_call(
        by=alice,
        data=services.CallData(
            title="Prix de l'innovation sociale",
            kind="prix",
            funder="Fondation X",
            deadline=deadline,
            territory="national",
            mode="competitive",
            network=network_a,
        ),
    )
    assert proposed.status == Call.Status.PROPOSED
    assert proposed not in selectors.board(selectors.BoardFilters(), user=alice).calls
    assert dora.notifications.filter(topic="opportunities.proposed").exists()
    client.force_login(dora)
    client.post(
        reverse("opportunities:call-moderate", args=[proposed.slug]),
        {"decision": "accept"},
    )
    proposed.refresh_from_db()
    assert proposed.status == Call.Status.PUBLISHED and proposed.published_at
    assert alice.notifications.filter(topic="opportunities.moderated").exists()


def test_refusals_say_what_is_wrong_and_save_nothing(client, dora, network_a, call):
    call.url = "https://example.org/aap-nourriciers"
    call.link_key = services.link_key(call.url)
    call.save()
    client.force_login(dora)
    base = {
        "title": "Appel",
        "kind": "aap",
        "funder": "ANCT",
        "territory": "national",
        "mode": "competitive",
        "network": network_a.pk,
        "deadline_time": "12:00",
    }
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        ({"deadline_day": past}, "La date limite est déjà passée."),
        ({}, "Indiquez la date limite, ou cochez « au fil de l'eau »."),
        ({"rolling": "on", "territory": "Atlantide"}, "Territoire inconnu : Atlantide."),
        (
            {"rolling": "on", "amount_min_cents": "500", "amount_max_cents": "100"},
            "Le montant minimum dépasse le montant maximum.",
        ),
        (
            {"rolling": "on", "url": "http://www.example.org/aap-nourriciers/?utm_source=x"},
            "Cet appel est déjà sur le tableau : « Tiers-lieux nourriciers ».",
        ),
    ]
    before = Call.objects.count()
    for extra, message in cases:
        response = client.post(reverse("opportunities:call-create"), {**base, **extra})
        assert response.status_code == 200
        assert message in html.unescape(response.content.decode()), message
    assert Call.objects.count() == before


def test_a_rolling_call_has_no_deadline_and_stays_on_the_board(dora, network_a, commune):
    call = services.create_call(
        by=dora,
        data=services.CallData(
            title="Fonds d'amorçage",
            kind="subvention",
            funder="Fondation",
            rolling=True,
            territory=f"R{commune.region_code}, {commune.department}",
            mode="competitive",
            network=network_a,
        ),
    )
    assert call.deadline is None and call.is_open(timezone.now() + datetime.timedelta(days=999))
    assert call.scope == "local"
    assert call.region_codes == [commune.region_code]
    assert call.department_codes == [commune.department_code]


def test_a_call_page_names_its_territory_and_an_alert_its_themes(client, alice, commune, call):
    call.region_codes, call.department_codes = [commune.region_code], [commune.department_code]
    call.commune_codes = [commune.code_insee, "99999"]  # a code the gazetteer no longer knows
    call.save()
    assert selectors.territory_names(call=call) == [
        "Hauts-de-France",
        "Nord (59)",
        "Douai (59)",
        "99999",
    ]
    shown = html.unescape(client.get(call.get_absolute_url()).content.decode())
    assert "Hauts-de-France, Nord (59), Douai (59), 99999" in shown
    national = CallFactory(network=call.network, scope="national")
    assert selectors.territory_names(call=national) == ["National"]
    services.save_alert(
        by=alice,
        data=services.AlertData(name="Mes appels", kinds=["ami"], themes=["alimentation"]),
    )
    client.force_login(alice)
    page = html.unescape(client.get(reverse("opportunities:alerts")).content.decode())
    assert "Alimentation · Appel à manifestation d'intérêt" in page  # labels, not codes
