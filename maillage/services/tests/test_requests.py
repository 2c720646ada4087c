"""Support requests: peers are ranked before professionals, only accepted professionals can be
proposed, helpers answer from the signed link without an account, the periodic job reminds at 7
days (never twice a week), escalates at 10 and lapses at 30; satisfaction at 30 and 90 days;
closing records the outcome and the time spent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.notifications.models import OutgoingEmail
from maillage.services import requests as support
from maillage.services.models import Accompanist, Proposal, Satisfaction, SupportRequest
from maillage.services.ranking import ranked_helpers
from maillage.services.services import ServicesError
from maillage.services.tests.conftest import make_service

pytestmark = pytest.mark.django_db


def test_peers_come_before_professionals_when_both_fit(filed, gaelle, peer_place, mathieu, dora):
    make_service(filed.network, dora)

    ranked = ranked_helpers(filed, viewer=gaelle)
    kinds = [c.kind for c in ranked]

    assert kinds == ["peer_place", "professional", "service"]
    assert ranked[0].place == peer_place
    assert "a déjà traversé « Modèle économique »" in ranked[0].reason
    assert "km" in ranked[0].reason
    assert "intervient dans le 59" in ranked[1].reason


def test_a_person_with_the_skill_nearby_is_a_peer(filed, gaelle, bob, commune):
    from maillage.accounts.models import Skill

    bob.commune = commune
    bob.save(update_fields=["commune"])
    Skill.objects.create(
        user=bob, name="Modèle économique", description="Tarifs", visibility="public"
    )

    ranked = ranked_helpers(filed, viewer=gaelle)

    assert [c.person for c in ranked if c.kind == "peer_person"] == [bob]
    assert "compétence : Modèle économique" in ranked[0].reason


def test_a_professional_not_accepted_cannot_be_proposed(filed, gaelle, mathieu):
    Accompanist.objects.filter(pk=mathieu.pk).update(status="applied")

    assert all(c.kind != "professional" for c in ranked_helpers(filed, viewer=gaelle))
    with pytest.raises(ServicesError) as refused:
        support.propose(by=gaelle, request=filed, keys=[f"professional:{mathieu.pk}"])
    assert "accepté" in str(refused.value.message)
    assert not Proposal.objects.exists()


def test_only_the_team_proposes(filed, alice, peer_place):
    with pytest.raises(ServicesError):
        support.propose(by=alice, request=filed, keys=[f"peer_place:{peer_place.pk}"])
    assert not Proposal.objects.exists()


def test_proposing_mails_each_helper_a_signed_link(proposed, charlie, mathieu):
    mails = OutgoingEmail.objects.filter(to__contains="charlie@example.org")

    assert proposed.status == "proposed"
    assert mails.count() == 1
    assert "/services/reponse/" in mails.get().body
    assert proposed.satisfactions.count() == 2


def test_a_helper_answers_without_an_account_and_the_request_is_taken(client, proposed):
    proposal = proposed.proposals.get(kind="peer_place")
    url = reverse("services:helper-answer", args=[support.proposal_token(proposal)])

    client.post(url, {"status": "studying"})
    proposal.refresh_from_db()
    assert proposal.status == "studying"
    client.post(
        url, {"status": "taken", "helper_note": "Je vous appelle jeudi", "volunteer_minutes": "90"}
    )
    proposal.refresh_from_db()
    proposed.refresh_from_db()
    assert proposal.status == "taken"
    assert proposal.volunteer_minutes == 90
    assert proposed.status == "taken"
    assert proposed.answered_by_kind == "peer"


def test_declining_asks_for_confirmation_first(client, proposed):
    proposal = proposed.proposals.get(kind="professional")
    url = reverse("services:helper-answer", args=[support.proposal_token(proposal)])

    page = client.post(url, {"status": "declined"})
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert "Confirmer" in page.content.decode()
    client.post(url, {"status": "declined", "confirm": "oui"})
    proposal.refresh_from_db()
    assert proposal.status == "declined"


def test_an_impossible_answer_changes_nothing(proposed):
    proposal = proposed.proposals.first()
    with pytest.raises(ServicesError):
        support.answer(proposal=proposal, status="done")
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def _at(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, minutes=5)


def test_reminder_at_7_days_escalation_at_10_lapse_at_30(proposed, dora, gaelle):
    from maillage.notifications.models import Notification

    assert support.run_follow_ups(now=_at(3)).reminded == 0
    first = support.run_follow_ups(now=_at(7))
    assert first.reminded == 2  # one per helper (two different people)
    assert support.run_follow_ups(now=_at(8)).reminded == 0
    ten = support.run_follow_ups(now=_at(10))
    assert ten.escalated == 2 and ten.reminded == 0
    assert (
        Notification.objects.filter(
            user=dora, title__startswith="Sans réponse depuis 10 jours"
        ).count()
        == 2
    )
    assert support.run_follow_ups(now=_at(11)).escalated == 0
    lapsed = support.run_follow_ups(now=_at(30))
    assert lapsed.lapsed == 2
    proposed.refresh_from_db()
    assert proposed.status == "lapsed"


def test_never_more_than_one_reminder_a_week_to_the_same_person(
    filed, gaelle, peer_place, dora, charlie
):
    from maillage.accounts.tests.factories import UserFactory
    from maillage.places.models import PlaceRole

    support.propose(by=gaelle, request=filed, keys=[f"peer_place:{peer_place.pk}"])
    second = support.file_request(
        by=UserFactory(email="zoe@example.org"),
        data=support.RequestData(topic="modele-economique", description="Autre besoin"),
    )
    second.commune = filed.commune
    second.network = filed.network
    second.save()
    support.propose(by=gaelle, request=second, keys=[f"peer_place:{peer_place.pk}"])
    assert PlaceRole.objects.filter(place=peer_place, user=charlie).exists()

    counts = support.run_follow_ups(now=_at(7))

    assert counts.reminded == 1
    reminders = OutgoingEmail.objects.filter(subject__startswith="Rappel", to__contains="charlie")
    assert reminders.count() == 1


def test_satisfaction_is_asked_at_30_and_90_days_with_structured_questions(client, proposed):
    support.run_follow_ups(now=_at(29))
    assert not Satisfaction.objects.filter(sent_at__isnull=False).exists()
    assert support.run_follow_ups(now=_at(30)).satisfactions == 1
    assert support.run_follow_ups(now=_at(31)).satisfactions == 0
    assert support.run_follow_ups(now=_at(90)).satisfactions == 1
    asked = Satisfaction.objects.get(after_days=30)
    url = reverse("services:satisfaction", args=[support.satisfaction_token(asked)])

    page = client.post(url, {"contacted": "yes"})
    assert "Ce champ est obligatoire" in page.content.decode()
    client.post(url, {"contacted": "yes", "useful": "partly", "acted": "yes"})
    asked.refresh_from_db()
    assert (asked.contacted, asked.useful, asked.acted) == ("yes", "partly", "yes")


def test_closing_records_outcome_and_time_after_confirmation(client, proposed, dora):
    client.force_login(dora)
    url = reverse("services:request-close", args=[proposed.pk])
    data = {
        "outcome": "solved",
        "outcome_note": "Grille tarifaire revue",
        "time_spent_minutes": "150",
    }

    client.post(url, data)
    proposed.refresh_from_db()
    assert proposed.status == "proposed"  # the confirmation page first
    client.post(url, {**data, "confirm": "oui"})
    proposed.refresh_from_db()
    assert proposed.status == "closed"
    assert (proposed.outcome, proposed.time_spent_minutes) == ("solved", 150)
    assert set(proposed.proposals.values_list("status", flat=True)) == {"lapsed"}


def test_closing_without_the_time_is_refused_beside_the_field(client, proposed, alice):
    client.force_login(alice)
    page = client.post(
        reverse("services:request-close", args=[proposed.pk]),
        {"outcome": "solved", "outcome_note": "ok", "time_spent_minutes": "", "confirm": "oui"},
    )

    assert "Ce champ est obligatoire" in page.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_a_request_without_description_is_refused_and_nothing_is_filed(
    client, alice, membership, place, gaelle
):
    client.force_login(alice)
    page = client.post(
        reverse("services:request-create"),
        {"topic": "gouvernance", "description": "   ", "place": place.pk},
    )

    assert page.status_code == 200
    assert (
        "Ce champ est obligatoire" in page.content.decode() or "Décrivez" in page.content.decode()
    )
    assert not SupportRequest.objects.exists()


def test_the_periodic_command_runs(proposed, capsys):
    from django.core.management import call_command

    call_command("run_support_follow_ups")
    assert "rappels" in capsys.readouterr().out
