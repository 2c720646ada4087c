"""The API of legitimacy: the charter's versions and what changed between two, elections of
delegates (reads for everyone; standing, voting for a place, opening and closing with a token),
who speaks for whom. Refusals answer a French sentence and change nothing."""

import pytest

from maillage.governance import elections
from maillage.governance.models import Ballot, Candidacy, CharterVersion, Election
from maillage.governance.tests.factories import member_places_with_managers
from maillage.governance.tests.test_api import bearer
from maillage.governance.tests.test_charter import NEW, OLD, _adopt, _charter_change

STATEMENT = "Je porterai la voix des lieux ruraux et rendrai compte chaque trimestre."


def post(client, url, user=None, data=None):
    headers = bearer(user) if user else {}
    return client.post(url, data or {}, content_type="application/json", headers=headers)


# --- The charter ------------------------------------------------------------------------------


@pytest.fixture
def amended(dora, network_a, membership, alice, place):
    from maillage.governance import debates

    network_a.charter = OLD
    network_a.save(update_fields=["charter"])
    space = debates.create_space(
        by=dora, network=network_a, title="Vie du réseau", threshold_value=2
    )
    proposal = _charter_change(space, alice, place)
    _adopt(proposal, network_a, dora)
    network_a.refresh_from_db()
    return network_a, proposal


def test_the_charter_in_force_and_its_versions_are_public(client, amended):
    network, proposal = amended
    answer = client.get(f"/api/v1/charters/{network.slug}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["version"] == network.charter_version and body["text"] == NEW
    newest, oldest = body["versions"]
    assert newest["in_force"] and newest["proposal"] == proposal.slug and newest["adopted_on"]
    assert not oldest["in_force"] and oldest["proposal"] is None
    listing = client.get(f"/api/v1/charters/{network.slug}/versions").json()
    assert [v["number"] for v in listing["items"]] == [newest["number"], oldest["number"]]
    one = client.get(f"/api/v1/charters/{network.slug}/versions/{oldest['number']}").json()
    assert one["text"] == OLD
    assert client.get(f"/api/v1/charters/{network.slug}/versions/99").status_code == 404
    assert client.get("/api/v1/charters/inconnu").status_code == 404


def test_the_diff_says_what_changed_between_two_versions(client, amended):
    network, _proposal = amended
    numbers = sorted(
        CharterVersion.objects.filter(network=network).values_list("number", flat=True)
    )
    answer = client.get(f"/api/v1/charters/{network.slug}/diff").json()
    assert (answer["old"], answer["new"]) == tuple(numbers)
    kinds = {(line["kind"], line["text"]) for line in answer["lines"]}
    assert ("same", "Nous ouvrons nos portes.") in kinds
    assert ("removed", "Nous partageons nos outils.") in kinds
    assert ("added", "Nous rendons compte.") in kinds
    backwards = client.get(
        f"/api/v1/charters/{network.slug}/diff?de={numbers[1]}&a={numbers[0]}"
    ).json()
    assert ("added", "Nous partageons nos outils.") in {
        (line["kind"], line["text"]) for line in backwards["lines"]
    }
    same = client.get(f"/api/v1/charters/{network.slug}/diff?de={numbers[0]}&a={numbers[0]}")
    assert same.json()["lines"] == []


def test_an_unknown_version_in_the_diff_is_refused_in_french(client, amended):
    network, _proposal = amended
    answer = client.get(f"/api/v1/charters/{network.slug}/diff?de=42")
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"] == "de" and "pas de version 42" in error["message"]


# --- Elections --------------------------------------------------------------------------------


@pytest.fixture
def election(dora, network_a, membership):
    return elections.create_election(
        by=dora, network=network_a, mandate="Délégué·e auprès de la Région", seats=1, term_months=24
    )


def test_a_networks_elections_and_one_election_are_public(client, election, alice, network_a):
    elections.stand(by=alice, election=election, statement=STATEMENT)
    listing = client.get(f"/api/v1/elections/networks/{network_a.slug}").json()
    row = listing["items"][0]
    assert row["status"] == "candidacies" and row["seats"] == 1 and row["candidacies"] == 1
    assert row["voters"] == 1 and row["quorum"] == 1 and row["ballots"] == 0
    detail = client.get(f"/api/v1/elections/{election.pk}").json()
    assert detail["mandate"] == election.mandate
    assert [c["statement"] for c in detail["standing"]] == [STATEMENT]
    assert detail["standing"][0]["votes"] is None and detail["quorum_reached"] is None
    assert client.get("/api/v1/elections/networks/inconnu").status_code == 404
    assert client.get("/api/v1/elections/999999").status_code == 404


def test_members_stand_and_withdraw_with_a_token(client, election, alice, charlie):
    url = f"/api/v1/elections/{election.pk}/candidacy"
    assert post(client, url, data={"statement": STATEMENT}).status_code == 401
    outsider = post(client, url, charlie, {"statement": STATEMENT})
    assert outsider.status_code == 403 and "membres du réseau" in outsider.json()["detail"]
    short = post(client, url, alice, {"statement": "Moi"})
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "statement"
    assert not Candidacy.objects.exists()
    stood = post(client, url, alice, {"statement": STATEMENT})
    assert stood.status_code == 201 and stood.json()["withdrawn"] is False
    again = post(client, url, alice, {"statement": STATEMENT})
    assert again.status_code == 422 and "déjà candidat" in again.json()["errors"][0]["message"]
    withdrawn = client.delete(url, headers=bearer(alice))
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True
    twice = client.delete(url, headers=bearer(alice))
    assert twice.status_code == 409 and "pas candidat" in twice.json()["detail"]


def test_only_the_coordination_opens_the_vote_once(client, election, alice, bob, dora):
    url = f"/api/v1/elections/{election.pk}/voting"
    empty = post(client, url, dora)
    assert empty.status_code == 409 and "Aucune candidature" in empty.json()["detail"]
    elections.stand(by=alice, election=election, statement=STATEMENT)
    refused = post(client, url, bob)
    assert refused.status_code == 403 and "coordination" in refused.json()["detail"]
    election.refresh_from_db()
    assert election.status == Election.Status.CANDIDACIES
    opened = post(client, url, dora)
    assert opened.status_code == 200 and opened.json()["status"] == "voting"
    again = post(client, url, dora)
    assert again.status_code == 409 and "déjà ouvert" in again.json()["detail"]
    late = client.delete(f"/api/v1/elections/{election.pk}/candidacy", headers=bearer(alice))
    assert late.status_code == 409 and "candidatures ne bougent plus" in late.json()["detail"]


@pytest.fixture
def voting(election, alice, dora):
    elections.stand(by=alice, election=election, statement=STATEMENT)
    elections.stand(by=dora, election=election, statement=STATEMENT)
    return elections.open_voting(by=dora, election=election)


def test_a_manager_casts_the_places_ballot_once(client, voting, alice, bob, dora, place):
    url = f"/api/v1/elections/{voting.pk}/ballots"
    alices = Candidacy.objects.get(person=alice).pk
    not_manager = post(client, url, bob, {"place_id": place.pk, "choices": [alices]})
    assert not_manager.status_code == 403 and "gestionnaire" in not_manager.json()["detail"]
    too_many = post(
        client,
        url,
        alice,
        {
            "place_id": place.pk,
            "choices": list(elections.standing(voting).values_list("pk", flat=True)),
        },
    )
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "choices"
    unknown = post(client, url, alice, {"place_id": place.pk, "choices": [999999]})
    assert unknown.status_code == 422 and "pas candidate" in unknown.json()["errors"][0]["message"]
    no_place = post(client, url, alice, {"place_id": 999999, "choices": [alices]})
    assert no_place.status_code == 422 and no_place.json()["errors"][0]["field"] == "place_id"
    assert not Ballot.objects.exists()
    cast = post(client, url, alice, {"place_id": place.pk, "choices": [alices]})
    assert cast.status_code == 201
    assert cast.json()["place"] == place.name and cast.json()["choices"] == [alice.public_name]
    dora_ = Candidacy.objects.get(person=dora).pk
    changed = post(client, url, alice, {"place_id": place.pk, "choices": [dora_]})
    assert changed.status_code == 409 and "déjà voté" in changed.json()["detail"]
    assert list(Ballot.objects.get().choices.values_list("pk", flat=True)) == [alices]


def test_the_coordination_closes_and_the_results_are_published(
    client, voting, alice, dora, place, network_a
):
    url = f"/api/v1/elections/{voting.pk}/closing"
    elections.cast_ballot(
        by=alice, election=voting, place=place, candidacies=[Candidacy.objects.get(person=alice)]
    )
    refused = post(client, url, alice)
    assert refused.status_code == 403 and "coordination" in refused.json()["detail"]
    closed = post(client, url, dora)
    assert closed.status_code == 200
    body = closed.json()
    assert body["status"] == "closed" and body["quorum_reached"] is True
    assert body["ballots"] == 1 and body["term_ends_on"]
    first, second = body["standing"]
    assert (first["person"], first["votes"], first["elected"]) == (alice.public_name, 1, True)
    assert (second["votes"], second["elected"]) == (0, False)
    again = post(client, url, dora)
    assert again.status_code == 409 and "vote ouvert" in again.json()["detail"]
    late = post(
        client,
        f"/api/v1/elections/{voting.pk}/ballots",
        alice,
        {"place_id": place.pk, "choices": [first["id"]]},
    )
    assert late.status_code == 409 and "pas ouvert" in late.json()["detail"]
    delegates = client.get("/api/v1/delegates").json()["items"]
    assert [(d["person"], d["network"], d["election"]) for d in delegates] == [
        (alice.public_name, network_a.slug, voting.pk)
    ]
    assert client.get("/api/v1/delegates?network=autre").json()["count"] == 0


def test_without_quorum_nobody_is_elected(client, voting, dora, network_a):
    member_places_with_managers(network=network_a, count=3, by=dora)
    body = post(client, f"/api/v1/elections/{voting.pk}/closing", dora).json()
    assert body["quorum_reached"] is False and body["ballots"] == 0
    assert not any(c["elected"] for c in body["standing"])
    assert client.get("/api/v1/delegates").json()["count"] == 0
