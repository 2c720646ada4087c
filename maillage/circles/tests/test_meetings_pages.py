# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
"""The meeting pages, from scheduling to minutes, as the soucieux·se uses them."""

import datetime

import pytest
from django.urls import reverse

from maillage.circles import meeting_services as svc
from maillage.circles.models import Attendance, Decision, Meeting, Proposal
from maillage.circles.tests.test_meetings_fixtures import (  # noqa: F401
    envelope,
    grant,
    meeting,
    open_meeting,
    proposal,
)
from maillage.notifications.models import Notification


def test_scheduling_a_meeting_reads_the_time_in_paris(circle_client, circle):
    client = circle_client("steward")
    response = client.post(
        reverse("circles:meeting-list", args=["douaisis"]),
        {"title": "Régulation de décembre", "starts_at": "2026-12-01T18:30", "location": "Douai"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("circles:meeting-detail", args=["douaisis", meeting.pk])
    # 18:30 in Paris in winter is 17:30 UTC.
    assert meeting.starts_at == datetime.datetime(2026, 12, 1, 17, 30, tzinfo=datetime.UTC)


def test_a_meeting_without_title_is_refused_next_to_the_field(circle_client, circle):
    client = circle_client("steward")
    response = client.post(
        reverse("circles:meeting-list", args=["douaisis"]),
        {"title": "", "starts_at": "2026-12-01T18:30"},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Meeting.objects.exists()


def test_participants_see_the_list_without_the_scheduling_form(circle_client, meeting):
    body = (
        circle_client("participant")
        .get(reverse("circles:meeting-list", args=["douaisis"]))
        .content.decode()
    )
    assert meeting.title in body
    assert "Programmer une réunion" not in body


def test_publishing_the_agenda_marks_proposals_scheduled_and_tells_members(
    circle_client, meeting, proposal, participant, contributor, steward
):
    client = circle_client("steward")
    args = ["douaisis", meeting.pk]
    client.post(
        reverse("circles:meeting-agenda-add", args=args), {"subject": f"proposal:{proposal.pk}"}
    )
    assert meeting.agenda.get().proposal == proposal
    client.post(reverse("circles:meeting-publish", args=args))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SCHEDULED
    notes = Notification.objects.filter(topic="circles.meeting")
    # Every member but the soucieux who published.
    assert {n.user for n in notes} == {participant, contributor}
    assert notes[0].url == reverse("circles:meeting-detail", args=args)
    # The proposal is no longer offered for another meeting's agenda.
    assert proposal not in svc.proposal_candidates(meeting=meeting)


def test_an_empty_agenda_cannot_be_published(circle_client, meeting):
    response = circle_client("steward").post(
        reverse("circles:meeting-publish", args=["douaisis", meeting.pk]), follow=True
    )
    assert "L&#x27;ordre du jour est vide" in response.content.decode()
    assert not Notification.objects.exists()


def test_the_whole_attendance_list_posts_without_javascript(
    circle_client, meeting, steward, participant
):
    client = circle_client("steward")
    url = reverse("circles:meeting-attendance", args=["douaisis", meeting.pk])
    response = client.post(url, {"present": [steward.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("circles:meeting-detail", args=["douaisis", meeting.pk])
    response = client.post(url, {"present": [steward.pk, participant.pk]}, follow=True)
    body = response.content.decode()
    assert "Les présences sont enregistrées." in body
    assert "Quorum atteint" in body
    assert Attendance.objects.filter(meeting=meeting).count() == 2


def test_the_attendance_list_no_longer_answers_htmx_with_a_fragment(
    circle_client, meeting, steward
):
    # Only the per-box `meeting-presence` speaks htmx; the whole-list form redirects as usual.
    url = reverse("circles:meeting-attendance", args=["douaisis", meeting.pk])
    response = circle_client("steward").post(
        url, {"present": [steward.pk]}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_ticking_someone_outside_the_circle_is_refused(
    circle_client, meeting, steward, other_circle_member
):
    client = circle_client("steward")
    url = reverse("circles:meeting-attendance", args=["douaisis", meeting.pk])
    response = client.post(url, {"present": [steward.pk, other_circle_member.pk]}, follow=True)
    assert "Hugo ne fait pas partie des membres du cercle." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_decision_by_vote_through_the_form(
    circle_client, open_meeting, steward, participant, contributor, proposal, envelope
):
    item = svc.add_agenda_item(meeting=open_meeting, by=steward, proposal=proposal)
    url = reverse("circles:meeting-decide", args=["douaisis", open_meeting.pk, item.pk])
    client = circle_client("steward")
    page = client.get(url).content.decode()
    assert "adoptée si les voix pour sont plus nombreuses que les voix contre" in page
    response = client.post(
        url,
        {
            "method": "vote",
            f"vote_{steward.pk}": "for",
            f"vote_{participant.pk}": "for",
            f"vote_{contributor.pk}": "abstain",
            "amount_granted_cents": "750,00",
            "envelope": envelope.pk,
            "rationale": "Devis retenu.",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.votes_for, decision.votes_abstain, decision.amount_granted_cents) == (
        2,
        1,
        75_000,
    )


def test_an_amount_above_the_asked_one_is_shown_next_to_the_field(
    circle_client, open_meeting, steward, proposal, envelope
):
    item = svc.add_agenda_item(meeting=open_meeting, by=steward, proposal=proposal)
    url = reverse("circles:meeting-decide", args=["douaisis", open_meeting.pk, item.pk])
    response = circle_client("steward").post(
        url, {"method": "consent", "amount_granted_cents": "2000", "envelope": envelope.pk}
    )
    assert response.status_code == 200
    assert "Le montant accordé ne peut pas dépasser le montant demandé." in (
        response.content.decode()
    )
    assert not Decision.objects.exists()


def test_closing_sends_undecided_proposals_back_and_stops_decisions(
    circle_client, open_meeting, steward, proposal, envelope, circle, action
):
    from maillage.circles.tests.factories import ProposalFactory

    later = ProposalFactory(circle=circle, action=action)
    svc.add_agenda_item(meeting=open_meeting, by=steward, proposal=later)
    svc.publish_agenda(meeting=open_meeting, by=steward)
    grant(open_meeting, steward, proposal, envelope, 100_000)
    url = reverse("circles:meeting-close", args=["douaisis", open_meeting.pk])
    summary = circle_client("steward").get(url).content.decode()
    assert "1 point sans décision retourne en attente" in summary
    open_meeting.refresh_from_db()
    assert open_meeting.status == Meeting.Status.OPEN  # the summary changes nothing
    circle_client("steward").post(url, {"confirm": "oui"})
    open_meeting.refresh_from_db()
    later.refresh_from_db()
    assert open_meeting.status == Meeting.Status.CLOSED
    assert later.status == Proposal.Status.SUBMITTED
    with pytest.raises(svc.MeetingClosed):
        svc.add_agenda_item(meeting=open_meeting, by=steward, proposal=later)


def test_the_minutes_tell_the_whole_record(
    circle_client, open_meeting, steward, contributor, participant, proposal, envelope, circle
):
    first = svc.record_decision(
        item=svc.add_agenda_item(meeting=open_meeting, by=steward, proposal=proposal),
        by=steward,
        method=Decision.Method.CONSENT,
        objections=[svc.ObjectionInput(user=contributor, text="Prévoir un second devis.")],
        amount_granted_cents=80_000,
        envelope=envelope,
    )
    svc.close_meeting(meeting=open_meeting, by=steward)
    later = Meeting.objects.create(
        circle=circle,
        title="Régulation de janvier",
        starts_at=open_meeting.starts_at + datetime.timedelta(days=30),
    )
    svc.set_attendance(meeting=later, by=steward, present=[steward, participant])
    svc.open_meeting(meeting=later, by=steward)
    second = svc.record_decision(
        item=svc.add_agenda_item(meeting=later, by=steward, revises=first),
        by=steward,
        method=Decision.Method.VOTE,
        votes={steward: "for", participant: "against"},
        amount_granted_cents=90_000,
        envelope=envelope,
    )
    client = circle_client("participant")
    body = client.get(
        reverse("circles:meeting-minutes", args=["douaisis", open_meeting.pk])
    ).content.decode()
    assert "Gaston" in body and "Bob" in body and "Fanny" in body  # attendance
    assert "Quorum" in body and "atteint" in body
    assert "Consentement" in body
    assert "Prévoir un second devis." in body
    assert "800\xa0€" in body  # amount granted
    assert envelope.funder in body
    assert reverse("circles:decision-detail", args=["douaisis", second.pk]) in body  # revised by
    later_body = client.get(
        reverse("circles:meeting-minutes", args=["douaisis", later.pk])
    ).content.decode()
    assert "1 pour, 1 contre, 0 abstention" in later_body
    assert "Rejetée" in later_body
    assert reverse("circles:decision-detail", args=["douaisis", first.pk]) in later_body
    assert "provisoire" in later_body


def test_the_public_decision_page_hides_who_objected(
    circle_client, open_meeting, steward, contributor, proposal, envelope
):
    decision = svc.record_decision(
        item=svc.add_agenda_item(meeting=open_meeting, by=steward, proposal=proposal),
        by=steward,
        method=Decision.Method.CONSENT,
        objections=[svc.ObjectionInput(user=contributor, text="Prévoir un second devis.")],
        amount_granted_cents=80_000,
        envelope=envelope,
    )
    url = reverse("circles:decision-detail", args=["douaisis", decision.pk])
    public = circle_client("anonymous").get(url).content.decode()
    assert "Prévoir un second devis." in public
    assert "Fanny" not in public
    assert "Fanny" in circle_client("participant").get(url).content.decode()
