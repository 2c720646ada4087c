import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import NetworkRole
from maillage.services import requests, services
from maillage.services.models import Accompanist, PeerProfile, PlaceExperience
from maillage.services.similar import refresh_features


@pytest.fixture
def territory(network_a, commune):
    network_a.communes.add(commune)
    return commune


@pytest.fixture
def gaelle(network_a):
    """Guide (aiguilleuse) of network A: part of its team."""
    user = UserFactory(email="gaelle@example.org", display_name="Gaëlle")
    NetworkRole.objects.create(network=network_a, user=user, role=NetworkRole.Role.GUIDE)
    return user


@pytest.fixture
def peer_place(other_place):
    """Le Hangar (Charlie's), near La Bobine, already went through its business model."""
    PeerProfile.objects.create(
        place=other_place,
        experiences=["modele-economique"],
        experience_note="Recettes propres à 60 %",
        mentor_available=True,
    )
    PlaceExperience.objects.create(place=other_place, topic="modele-economique")
    refresh_features([other_place.pk])
    return other_place


@pytest.fixture
def mathieu(network_a, commune):
    """An accepted professional of network A's cercle, business model, département 59."""
    user = UserFactory(email="mathieu@example.org", display_name="Mathieu")
    return Accompanist.objects.create(
        network=network_a,
        user=user,
        name="Mathieu Conseil",
        kind="consultant",
        bio="Consultant.",
        specialities=["modele-economique"],
        departments=[commune.department_code or "59"],
        rates="600 € la journée",
        status=Accompanist.Status.ACCEPTED,
    )


@pytest.fixture
def filed(alice, place, membership, territory, gaelle):
    """La Bobine (Alice) asks for help on its business model."""
    refresh_features([place.pk])
    return requests.file_request(
        by=alice,
        data=requests.RequestData(
            topic="modele-economique",
            description="Notre café ne couvre pas ses charges.",
            place=place,
        ),
    )


@pytest.fixture
def proposed(filed, gaelle, peer_place, mathieu, charlie, other_place):
    """The guide proposed the peer place and the professional."""
    keys = [f"peer_place:{peer_place.pk}", f"professional:{mathieu.pk}"]
    requests.propose(by=gaelle, request=filed, keys=keys)
    filed.refresh_from_db()
    return filed


def make_service(network, by, **fields):
    data = {
        "kind": "support",
        "title": "Accompagnement modèle économique",
        "summary": "Un diagnostic.",
        "topics": ["modele-economique"],
        "audience": "members",
        "delivered_by": "team",
        "how_to_ask": "Écrivez-nous.",
        **fields,
    }
    return services.create_service(by=by, network=network, data=services.ServiceData(**data))
