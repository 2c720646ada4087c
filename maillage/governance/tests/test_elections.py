"""Delegates elected by the member places: candidacies, one ballot per place, quorum, results
frozen at closing, and who speaks for whom."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.governance import elections
from maillage.governance.models import Ballot, Candidacy, Election, FeeCall
from maillage.governance.tests.factories import member_places_with_managers, schedule


@pytest.fixture
def election(dora, network_a, membership):
    return elections.create_election(
        by=dora, network=network_a, mandate="Délégué·e auprès de la Région", seats=1, term_months=24
    )


STATEMENT = "Je porterai la voix des lieux ruraux et rendrai compte chaque trimestre."


def _voting(election, dora, *people):
    for someone in people:
        elections.stand(by=someone, election=election, statement=STATEMENT)
    return elections.open_voting(by=dora, election=election)


def test_bad_elections_are_refused(dora, network_a, bob):
    for kwargs, field in (
        ({"mandate": " ", "seats": 1, "term_months": 12}, "mandate"),
        ({"mandate": "M", "seats": 0, "term_months": 12}, "seats"),
        ({"mandate": "M", "seats": 1, "term_months": 0}, "term_months"),
    ):
        with pytest.raises(elections.ElectionError) as refused:
            elections.create_election(by=dora, network=network_a, **kwargs)
        assert refused.value.field == field
    with pytest.raises(elections.NotAllowed):
        elections.create_election(by=bob, network=network_a, mandate="M", seats=1, term_months=1)
    assert not Election.objects.exists()


def test_only_members_stand_and_only_while_candidacies_are_open(election, alice, charlie, dora):
    with pytest.raises(elections.NotAllowed):
        elections.stand(by=charlie, election=election, statement=STATEMENT)
    with pytest.raises(elections.ElectionError, match="20 caractères"):
        elections.stand(by=alice, election=election, statement="Moi")
    elections.stand(by=alice, election=election, statement=STATEMENT)
    with pytest.raises(elections.ElectionError, match="déjà candidat"):
        elections.stand(by=alice, election=election, statement=STATEMENT)
    elections.open_voting(by=dora, election=election)
    with pytest.raises(elections.NotOpen):
        elections.stand(by=dora, election=election, statement=STATEMENT)
    with pytest.raises(elections.NotOpen):
        elections.withdraw(by=alice, candidacy=Candidacy.objects.get(person=alice))


def test_the_vote_needs_a_candidate(election, dora):
    with pytest.raises(elections.ElectionError, match="Aucune candidature"):
        elections.open_voting(by=dora, election=election)
    election.refresh_from_db()
    assert election.status == Election.Status.CANDIDACIES


def test_one_ballot_per_place_cast_by_its_manager(election, alice, bob, dora, place, network_a):
    _voting(election, dora, alice, dora)
    candidacy = Candidacy.objects.get(person=alice)
    others = member_places_with_managers(network=network_a, count=1, by=dora)
    # dora manages no place: she cannot vote for one.
    with pytest.raises(elections.NotAllowed):
        elections.cast_ballot(by=dora, election=election, place=place, candidacies=[candidacy])
    with pytest.raises(elections.ElectionError, match=r"au plus|une seule"):
        elections.cast_ballot(
            by=alice, election=election, place=place, candidacies=list(elections.standing(election))
        )
    elections.cast_ballot(by=alice, election=election, place=place, candidacies=[candidacy])
    with pytest.raises(elections.AlreadyVoted):
        elections.cast_ballot(by=bob, election=election, place=place, candidacies=[candidacy])
    other_place, manager = others[0]
    elections.cast_ballot(by=manager, election=election, place=other_place, candidacies=[candidacy])
    assert Ballot.objects.filter(election=election).count() == 2
    assert elections.places_that_may_vote(user=alice, election=election) == []


def test_a_place_behind_with_its_fee_does_not_vote(election, alice, dora, place, network_a):
    fee_schedule = schedule(by=dora, network=network_a)
    from maillage.governance import fees

    fees.call_fees(by=dora, schedule=fee_schedule)
    FeeCall.objects.filter(place=place).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3), status=FeeCall.Status.LATE
    )
    _voting(election, dora, alice)
    with pytest.raises(elections.NotAllowed, match="à jour"):
        elections.cast_ballot(
            by=alice,
            election=election,
            place=place,
            candidacies=list(elections.standing(election)),
        )


def test_without_quorum_nobody_is_elected(election, alice, dora, place, network_a):
    member_places_with_managers(network=network_a, count=3, by=dora)
    _voting(election, dora, alice)
    elections.cast_ballot(
        by=alice, election=election, place=place, candidacies=list(elections.standing(election))
    )
    elections.close_election(by=dora, election=election)
    election.refresh_from_db()
    assert (election.voters, election.quorum, election.ballots_cast) == (4, 2, 1)
    assert election.quorum_reached is False
    assert not Candidacy.objects.filter(elected=True).exists()
    assert Candidacy.objects.get(person=alice).votes == 1
    assert list(elections.current_delegates()) == []


def test_the_most_voted_are_elected_for_the_term(election, alice, bob, dora, place, network_a):
    others = member_places_with_managers(network=network_a, count=2, by=dora)
    _voting(election, dora, alice, bob)
    for_alice = Candidacy.objects.get(person=alice)
    for_bob = Candidacy.objects.get(person=bob)
    elections.cast_ballot(by=alice, election=election, place=place, candidacies=[for_alice])
    elections.cast_ballot(
        by=others[0][1], election=election, place=others[0][0], candidacies=[for_alice]
    )
    elections.cast_ballot(
        by=others[1][1], election=election, place=others[1][0], candidacies=[for_bob]
    )
    elections.close_election(by=dora, election=election)
    election.refresh_from_db()
    assert election.quorum_reached is True
    assert election.term_ends_on == elections._add_months(timezone.localdate(), 24)
    assert [c.person for c in elections.current_delegates(network=network_a)] == [alice]
    assert Candidacy.objects.get(person=bob).votes == 1


def test_a_tie_for_the_last_seat_leaves_it_vacant():
    assert elections._winners({1: 3, 2: 2, 3: 2}, seats=2) == {1}
    assert elections._winners({1: 3, 2: 2, 3: 1}, seats=2) == {1, 2}
    assert elections._winners({1: 0}, seats=1) == set()


def test_a_closed_election_never_changes(election, alice, dora, place):
    _voting(election, dora, alice)
    candidacy = Candidacy.objects.get(person=alice)
    elections.cast_ballot(by=alice, election=election, place=place, candidacies=[candidacy])
    elections.close_election(by=dora, election=election)
    frozen = Election.objects.values().get(pk=election.pk)
    with pytest.raises(elections.NotOpen):
        elections.close_election(by=dora, election=election)
    with pytest.raises(elections.NotOpen):
        elections.cast_ballot(by=alice, election=election, place=place, candidacies=[candidacy])
    with pytest.raises(elections.NotOpen):
        elections.stand(by=dora, election=election, statement=STATEMENT)
    with pytest.raises(elections.NotOpen):
        elections.open_voting(by=dora, election=election)
    assert Election.objects.values().get(pk=election.pk) == frozen
    assert Ballot.objects.count() == 1


def test_only_the_coordination_opens_and_closes(election, alice, bob):
    elections.stand(by=alice, election=election, statement=STATEMENT)
    with pytest.raises(elections.NotAllowed):
        elections.open_voting(by=bob, election=election)
    with pytest.raises(elections.NotAllowed):
        elections.close_election(by=alice, election=election)


def test_voting_through_the_page_asks_for_confirmation(client, election, alice, dora, place):
    _voting(election, dora, alice)
    candidacy = Candidacy.objects.get(person=alice)
    client.force_login(alice)
    page = client.get(reverse("governance:election-detail", args=[election.pk])).content.decode()
    assert f'name="lieu{place.pk}-choices"' in page
    url = reverse("governance:election-action", args=[election.pk, "voter"])
    summary = client.post(url, {"place": place.pk, f"lieu{place.pk}-choices": [candidacy.pk]})
    assert summary.status_code == 200
    assert "Avant de confirmer" in summary.content.decode()
    assert not Ballot.objects.exists()
    client.post(url, {"place": place.pk, "choix": str(candidacy.pk), "confirm": "oui"})
    ballot = Ballot.objects.get()
    assert (ballot.place, ballot.cast_by, list(ballot.choices.all())) == (place, alice, [candidacy])
    page = client.get(reverse("governance:election-detail", args=[election.pk])).content.decode()
    assert f'name="lieu{place.pk}-choices"' not in page


def test_closing_through_the_page_asks_for_confirmation(client, election, alice, dora, place):
    _voting(election, dora, alice)
    client.force_login(dora)
    url = reverse("governance:election-action", args=[election.pk, "clore"])
    summary = client.post(url).content.decode()
    assert "Quorum non atteint" in summary
    election.refresh_from_db()
    assert election.status == Election.Status.VOTING
    client.post(url, {"confirm": "oui"})
    election.refresh_from_db()
    assert election.status == Election.Status.CLOSED


def test_standing_through_the_page_shows_errors_next_to_the_field(client, election, alice):
    client.force_login(alice)
    url = reverse("governance:election-detail", args=[election.pk])
    response = client.post(url, {"statement": "Moi"})
    assert "20 caractères" in response.content.decode()
    assert not Candidacy.objects.exists()
    client.post(url, {"statement": STATEMENT})
    assert Candidacy.objects.get().person == alice


def test_pages_are_public_and_creating_is_for_coordinators(client, election, bob, dora):
    for url in (
        reverse("governance:delegates"),
        reverse("governance:election-list", args=[election.network.slug]),
        reverse("governance:election-detail", args=[election.pk]),
    ):
        assert client.get(url).status_code == 200, url
    url = reverse("governance:election-list", args=[election.network.slug])
    client.force_login(bob)
    assert client.post(url, {"mandate": "X", "seats": 1, "term_months": 6}).status_code == 403
    client.force_login(dora)
    response = client.post(url, {"mandate": "Trésorerie nationale", "seats": 2, "term_months": 12})
    assert response.status_code == 302
    assert Election.objects.filter(mandate="Trésorerie nationale", seats=2).exists()


def test_the_delegates_page_says_who_speaks_for_whom(client, election, alice, dora, place):
    _voting(election, dora, alice)
    elections.cast_ballot(
        by=alice, election=election, place=place, candidacies=list(elections.standing(election))
    )
    elections.close_election(by=dora, election=election)
    page = client.get(reverse("governance:delegates")).content.decode()
    assert alice.public_name in page
    assert "Délégué·e auprès de la Région" in page
    assert election.network.name in page
