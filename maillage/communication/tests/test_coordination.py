"""The coordination of the soucieux·ses: filled from the circles' roles, its recurring meeting in
the network's agenda, agenda points brought by the circles, the onboarding checklist, the
agreements with their documents, and who sees what."""

import datetime
import io

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.models import CircleRole
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.communication import coordination
from maillage.communication.models import AgendaPoint, Agreement, OnboardingCheck
from maillage.events.selectors import occurrence_key
from maillage.lib.money import format_cents

AMOUNT = format_cents(1_500_00)  # as the pages write it


def pdf() -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def circles(network_a):
    return CircleFactory(network=network_a, name="Cercle Nord"), CircleFactory(
        network=network_a, name="Cercle Sud"
    )


@pytest.fixture
def steward(circles):
    """Soucieux·se of the northern circle."""
    user = UserFactory(email="sacha@example.org", display_name="Sacha")
    CircleMemberFactory(circle=circles[0], user=user, role=CircleRole.STEWARD)
    return user


@pytest.fixture
def other_steward(circles):
    user = UserFactory(email="tom@example.org", display_name="Tom")
    CircleMemberFactory(
        circle=circles[1], user=user, role=CircleRole.STEWARD, starts_on=datetime.date(2026, 9, 1)
    )
    return user


@pytest.fixture
def group(dora, network_a):
    return coordination.open_group(by=dora, network=network_a, purpose="Échanger")


@pytest.mark.django_db
def test_the_group_is_the_soucieux_ses_in_office_in_the_networks_circles(
    network_a, network_b, circles, steward, other_steward
):
    # A participant, a soucieux·se whose role ended and one of another network are not in it.
    CircleMemberFactory(circle=circles[0], role=CircleRole.PARTICIPANT)
    CircleMemberFactory(
        circle=circles[0], role=CircleRole.STEWARD, ends_on=datetime.date(2021, 1, 1)
    )
    CircleMemberFactory(circle=CircleFactory(network=network_b), role=CircleRole.STEWARD)
    # Sacha looks after both circles: one row, two circles.
    CircleMemberFactory(circle=circles[1], user=steward, role=CircleRole.STEWARD)
    rows = coordination.stewards(network=network_a)
    assert {row.user.pk for row in rows} == {steward.pk, other_steward.pk}
    sacha = next(row for row in rows if row.user == steward)
    assert {c.name for c in sacha.circles} == {"Cercle Nord", "Cercle Sud"}


@pytest.mark.django_db
def test_only_coordinators_open_the_group_which_starts_with_a_checklist(dora, steward, network_a):
    with pytest.raises(coordination.NotAllowed):
        coordination.open_group(by=steward, network=network_a)
    group = coordination.open_group(by=dora, network=network_a)
    assert group.onboarding_items.count() == len(coordination.DEFAULT_CHECKLIST)
    assert coordination.open_group(by=dora, network=network_a) == group  # once per network


@pytest.mark.django_db
def test_the_meeting_goes_to_the_networks_agenda_and_a_new_one_replaces_it(client, dora, group):
    first = timezone.make_aware(datetime.datetime(2027, 3, 9, 14, 0))  # 2nd Tuesday
    meeting = coordination.set_meeting(
        by=dora,
        group=group,
        data=coordination.MeetingData(starts_at=first, minutes=90, rhythm="monthly"),
    )
    assert meeting.network == group.network and meeting.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    assert meeting.audience == "network"
    sessions = list(meeting.occurrences.order_by("starts_at")[:2])
    assert [timezone.localtime(s.starts_at).day for s in sessions] == [9, 13]  # 2nd Tuesdays
    group.refresh_from_db()
    assert group.meeting == meeting
    page = client.get(reverse("communication:coordination", args=[group.network.slug]))
    session_url = reverse(
        "events:occurrence-detail", args=[meeting.slug, occurrence_key(sessions[0])]
    )
    assert session_url in page.content.decode()
    again = coordination.set_meeting(
        by=dora,
        group=group,
        data=coordination.MeetingData(starts_at=first, minutes=60, rhythm="fortnightly"),
    )
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and again.rrule == "FREQ=WEEKLY;INTERVAL=2"


@pytest.mark.django_db
def test_a_meeting_in_the_past_or_too_long_is_refused(dora, group):
    past = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(coordination.CoordinationError) as refused:
        coordination.set_meeting(
            by=dora,
            group=group,
            data=coordination.MeetingData(starts_at=past, minutes=90, rhythm="monthly"),
        )
    assert refused.value.field == "starts_at"
    with pytest.raises(coordination.CoordinationError):
        coordination.set_meeting(
            by=dora,
            group=group,
            data=coordination.MeetingData(
                starts_at=timezone.now() + datetime.timedelta(days=3), minutes=900, rhythm="weekly"
            ),
        )
    group.refresh_from_db()
    assert group.meeting is None


@pytest.mark.django_db
def test_the_last_week_of_a_month_is_the_last_weekday():
    fifth = timezone.make_aware(datetime.datetime(2027, 3, 30, 10, 0))  # 5th Tuesday
    assert coordination.rrule_for("monthly", fifth) == "FREQ=MONTHLY;BYDAY=-1TU"


@pytest.mark.django_db
def test_a_soucieux_se_brings_points_only_from_their_circle_and_the_coordination_closes_them(
    group, circles, steward, dora
):
    north, south = circles
    point = coordination.propose_point(by=steward, group=group, circle=north, title="Budget 2027")
    with pytest.raises(coordination.CoordinationError) as refused:
        coordination.propose_point(by=steward, group=group, circle=south, title="Pas le mien")
    assert refused.value.field == "circle"
    with pytest.raises(coordination.NotAllowed):
        coordination.close_point(by=steward, point=point, status="discussed", outcome="ok")
    with pytest.raises(coordination.CoordinationError) as refused:
        coordination.close_point(by=dora, point=point, status="discussed")
    assert refused.value.field == "outcome"
    coordination.close_point(
        by=dora, point=point, status="discussed", outcome="Chaque cercle chiffre ses besoins."
    )
    point.refresh_from_db()
    assert point.status == AgendaPoint.Status.DISCUSSED and point.closed_at is not None
    assert AgendaPoint.objects.count() == 1


@pytest.mark.django_db
def test_each_soucieux_se_ticks_their_own_checklist_and_the_coordination_sees_progress(
    group, steward, other_steward, charlie
):
    items = list(group.onboarding_items.all())
    coordination.tick(by=steward, item=items[0], done=True)
    coordination.tick(by=steward, item=items[1], done=True)
    coordination.tick(by=steward, item=items[1], done=False)
    with pytest.raises(coordination.CoordinationError):
        coordination.tick(by=charlie, item=items[0], done=True)
    mine = coordination.checklist_of(group=group, user=steward)
    assert [row.done for row in mine][:2] == [True, False]
    progress = coordination.onboarding_progress(
        group=group, rows=coordination.stewards(network=group.network)
    )
    # The newest soucieux·se first (Tom since September 2026).
    assert [(p.steward.user, p.done) for p in progress] == [(other_steward, 0), (steward, 1)]
    assert OnboardingCheck.objects.count() == 1


@pytest.mark.django_db
def test_an_agreement_keeps_its_document_amount_and_funding(group, dora, steward, circles):
    agreement = coordination.record_agreement(
        by=dora,
        group=group,
        data=coordination.AgreementData(
            person=steward,
            circle=circles[0],
            amount_cents=2_400_00,
            funding_source="region",
            funder="Région Hauts-de-France",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
        ),
        document=SimpleUploadedFile("convention signée.pdf", pdf()),
    )
    assert agreement.document_type == "application/pdf"
    assert agreement.document.name.endswith(".pdf") and "signée" not in agreement.document.name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_cents": 0}, "amount"),
        ({"funding_source": "lottery"}, "funding_source"),
        ({"ends_on": datetime.date(2026, 1, 1)}, "ends_on"),
    ],
)
def test_a_bad_agreement_is_refused_next_to_its_field(group, dora, steward, change, field):
    data = {
        "person": steward,
        "amount_cents": 1000_00,
        "funding_source": "state",
        "starts_on": datetime.date(2027, 1, 1),
        "ends_on": datetime.date(2027, 6, 30),
        **change,
    }
    with pytest.raises(coordination.CoordinationError) as refused:
        coordination.record_agreement(
            by=dora,
            group=group,
            data=coordination.AgreementData(**data),
            document=SimpleUploadedFile("c.pdf", pdf()),
        )
    assert refused.value.field == field
    assert not Agreement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script></html>", b"%PDF-1.4 no pages", b"MZ\x90\x00"]
)
def test_a_document_that_is_not_an_agreement_is_refused_and_not_stored(
    group, dora, steward, content
):
    with pytest.raises(coordination.CoordinationError) as refused:
        coordination.record_agreement(
            by=dora,
            group=group,
            data=coordination.AgreementData(
                person=steward,
                amount_cents=1000_00,
                funding_source="state",
                starts_on=datetime.date(2027, 1, 1),
                ends_on=datetime.date(2027, 6, 30),
            ),
            document=SimpleUploadedFile("c.pdf", content),
        )
    assert refused.value.field == "document"
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_an_agreement_is_only_for_a_soucieux_se_of_the_network(group, dora, charlie):
    with pytest.raises(coordination.CoordinationError) as refused:
        coordination.record_agreement(
            by=dora,
            group=group,
            data=coordination.AgreementData(
                person=charlie,
                amount_cents=1000_00,
                funding_source="state",
                starts_on=datetime.date(2027, 1, 1),
                ends_on=datetime.date(2027, 6, 30),
            ),
            document=SimpleUploadedFile("c.pdf", pdf()),
        )
    assert refused.value.field == "person"


@pytest.fixture
def agreement(group, dora, steward):
    return coordination.record_agreement(
        by=dora,
        group=group,
        data=coordination.AgreementData(
            person=steward,
            amount_cents=1_500_00,
            funding_source="network",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 6, 30),
        ),
        document=SimpleUploadedFile("c.pdf", pdf()),
    )


@pytest.mark.django_db
def test_who_sees_what_on_the_groups_page(
    client, group, agreement, steward, other_steward, dora, charlie, circles
):
    coordination.propose_point(by=steward, group=group, circle=circles[0], title="Point secret")
    url = reverse("communication:coordination", args=[group.network.slug])
    public = client.get(url).content.decode()
    assert "Cercle Nord" in public and "Point secret" not in public and AMOUNT not in public
    client.force_login(charlie)
    assert "Point secret" not in client.get(url).content.decode()
    client.force_login(steward)
    mine = client.get(url).content.decode()
    assert "Point secret" in mine and AMOUNT in mine and "Ma liste d'accueil" in mine
    client.force_login(other_steward)
    theirs = client.get(url).content.decode()
    assert "Point secret" in theirs and AMOUNT not in theirs
    client.force_login(dora)
    coordinator = client.get(url).content.decode()
    assert AMOUNT in coordinator and "Où en est chacun·e" in coordinator


@pytest.mark.django_db
def test_the_agreements_document_is_served_to_the_person_and_the_coordination_only(
    client, agreement, steward, other_steward, dora
):
    url = reverse("communication:coordination-agreement-document", args=[agreement.pk])
    assert client.get(url).status_code == 404
    client.force_login(other_steward)
    assert client.get(url).status_code == 404
    for reader in (steward, dora):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_coordination_records_an_agreement_from_its_form(client, group, dora, steward):
    client.force_login(dora)
    url = reverse("communication:coordination-agreement-create", args=[group.network.slug])
    assert "Sacha" in client.get(url).content.decode()
    fields = {
        "person": str(steward.pk),
        "amount": "2 400,50",
        "funding_source": "region",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
    }
    bad = client.post(url, {**fields, "document": SimpleUploadedFile("c.pdf", b"<html>")})
    assert bad.status_code == 422 and "PDF, ODT ou DOCX" in bad.content.decode()
    assert not Agreement.objects.exists()
    good = client.post(url, {**fields, "document": SimpleUploadedFile("c.pdf", pdf())})
    assert good.status_code == 302
    assert Agreement.objects.get().amount_cents == 2_400_50


@pytest.mark.django_db
def test_removing_an_agreement_asks_first(client, agreement, dora):
    client.force_login(dora)
    url = reverse("communication:coordination-agreement-remove", args=[agreement.pk])
    asked = client.get(url)
    assert asked.status_code == 200 and AMOUNT in asked.content.decode()
    assert Agreement.objects.exists()
    assert client.post(url, {"confirm": "oui"}).status_code == 302
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_a_soucieux_se_brings_a_point_and_ticks_a_step_from_the_page(
    client, group, steward, circles
):
    client.force_login(steward)
    slug = group.network.slug
    response = client.post(
        reverse("communication:coordination-point", args=[slug]),
        {"circle": str(circles[0].pk), "title": "Partager nos outils", "details": ""},
    )
    assert response.status_code == 302
    refused = client.post(
        reverse("communication:coordination-point", args=[slug]),
        {"circle": str(circles[1].pk), "title": "Pas mon cercle"},
    )
    assert refused.status_code == 422
    assert list(AgendaPoint.objects.values_list("title", flat=True)) == ["Partager nos outils"]
    item = group.onboarding_items.first()
    client.post(
        reverse("communication:coordination-item-tick", args=[slug, item.pk]), {"done": "oui"}
    )
    assert OnboardingCheck.objects.filter(person=steward, item=item).exists()


@pytest.mark.django_db
def test_the_network_and_circle_pages_link_to_the_coordination(client, group, circles):
    url = reverse("communication:coordination", args=[group.network.slug])
    network_page = client.get(reverse("networks:network-detail", args=[group.network.slug]))
    assert url in network_page.content.decode()
    circle_page = client.get(reverse("circles:circle-detail", args=[circles[0].slug]))
    assert url in circle_page.content.decode()
