"""Pages of mobility: the forms call the services, refusals are shown, lists stay cheap."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import Booking, HostOffer, Pass, Scheme
from maillage.mobility.tests.factories import HostOfferFactory
from maillage.mobility.views import QR_SALT
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.tests.factories import PlaceFactory


def book_form(client, day, key="clef-1", pass_id=None, half="full"):
    return client.post(
        reverse("mobility:book", args=["le-hangar"]),
        {"pass_": pass_id, "day": day.isoformat(), "half": half, "idempotency_key": key},
    )


def test_a_double_click_books_once(client, bob, bob_pass, offer, tuesday):
    client.force_login(bob)
    first = book_form(client, tuesday, pass_id=bob_pass.pk)
    second = book_form(client, tuesday, pass_id=bob_pass.pk)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == bob_pass.get_absolute_url()
    assert Booking.objects.count() == 1


def test_the_booking_form_carries_a_fresh_key(client, bob, bob_pass, offer):
    client.force_login(bob)
    page = client.get(reverse("mobility:book", args=["le-hangar"])).content.decode()
    again = client.get(reverse("mobility:book", args=["le-hangar"])).content.decode()
    assert 'name="idempotency_key"' in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    assert len(key) == 32 and key not in again


def test_a_forged_pass_id_is_refused_in_french(client, bob, bob_pass, offer, tuesday):
    client.force_login(bob)
    response = book_form(client, tuesday, pass_id=bob_pass.pk + 1000)
    assert response.status_code == 400
    assert "Ce pass n&#x27;existe pas ou n&#x27;est pas le vôtre." in response.content.decode()
    assert not Booking.objects.exists()


def test_someone_elses_pass_is_refused(client, charlie, bob_pass, offer, tuesday):
    client.force_login(charlie)
    response = book_form(client, tuesday, pass_id=bob_pass.pk)
    assert response.status_code == 400
    assert "pas le vôtre" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_full_day_answers_complet(client, bob, bob_pass, offer, tuesday):
    from maillage.mobility.models import HostDay

    HostDay.objects.create(offer=offer, day=tuesday, am_booked=3, pm_booked=3)
    client.force_login(bob)
    response = book_form(client, tuesday, pass_id=bob_pass.pk)
    assert response.status_code == 409
    assert "Complet : plus de poste libre à Le Hangar" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_find_page_lists_hosts_with_free_desks_and_stays_cheap(
    client, offer, network_a, tuesday, django_assert_max_num_queries
):
    for n in range(8):
        host = PlaceFactory(name=f"Hôte {n}")
        Membership.objects.create(network=network_a, place=host, status=MembershipStatus.ACCEPTED)
        HostOfferFactory(place=host)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("mobility:find"), {"day": tuesday.isoformat()})
    page = response.content.decode()
    assert "Le Hangar" in page and "Hôte 7" in page
    assert "hosts-map-data" in page


def test_a_full_host_is_not_listed(client, offer, tuesday):
    from maillage.mobility.models import HostDay

    HostDay.objects.create(offer=offer, day=tuesday, am_booked=3, pm_booked=3)
    response = client.get(reverse("mobility:find"), {"day": tuesday.isoformat()})
    assert "Le Hangar" not in response.content.decode()


def test_host_day_and_pass_pages_stay_cheap(
    client,
    alice,
    network_a,
    place,
    membership,
    scheme,
    offer,
    other_place,
    charlie,
    tuesday,
    django_assert_max_num_queries,
):
    from maillage.accounts.tests.factories import UserFactory
    from maillage.places.models import PlaceRole

    passes = []
    for n in range(3):
        user = UserFactory()
        PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MEMBER)
        passes.append(services.subscribe_pass(user=user, scheme=scheme, home_place=place))
        svc.book_visit(pass_=passes[-1], place=other_place, day=tuesday, idempotency_key=f"k{n}")
    client.force_login(charlie)
    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("mobility:host-day", args=["le-hangar"]), {"day": tuesday.isoformat()}
        )
    assert page.content.decode().count("Arrivé·e") == 0  # not before the day
    client.force_login(passes[0].holder)
    with django_assert_max_num_queries(14):
        page = client.get(passes[0].get_absolute_url())
    assert "Le Hangar" in page.content.decode()


def test_qr_code_check_in_pays_the_host(
    client, bob, bob_pass, network_a, charlie, other_place, host_membership
):
    HostOfferFactory(place=other_place, desks_saturday=2, desks_sunday=2)
    today = timezone.localdate()
    visit = svc.book_visit(pass_=bob_pass, place=other_place, day=today, idempotency_key="today")
    client.force_login(bob)
    qr = client.get(reverse("mobility:booking-qr", args=[visit.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    client.force_login(charlie)
    url = reverse("mobility:check-in-qr", args=[signing.dumps(visit.pk, salt=QR_SALT)])
    assert "Enregistrer l'arrivée" in client.get(url).content.decode()
    client.post(url)
    client.post(url)
    visit.refresh_from_db()
    assert (visit.status, visit.check_in_method) == (Booking.Status.CHECKED_IN, "qr")
    assert Transfer.objects.caused_by(visit).filter(amount_cents=1200).count() == 1


def test_a_coordinator_creates_a_scheme_and_cannot_backdate_a_change(client, dora, network_a):
    client.force_login(dora)
    today = timezone.localdate()
    data = {
        "name": "Pass Hauts-de-France",
        "model": "pass",
        "effective_from": today.isoformat(),
        "monthly_price_cents": "40,00",
        "quota_days": "4",
        "quota_period": "month",
        "day_rate_cents": "12",
        "half_day_rate_cents": "7",
        "retrocession_share_bp": "0",
        "preferential_discount_bp": "0",
        "cancellation_deadline_hours": "24",
        "no_show_charged": "on",
    }
    response = client.post(reverse("mobility:scheme-list", args=["reseau-a"]), data)
    scheme = Scheme.objects.get()
    assert response["Location"] == scheme.get_absolute_url()
    assert scheme.versions.get().monthly_price_cents == 4000
    data["effective_from"] = (today - datetime.timedelta(days=1)).isoformat()
    response = client.post(scheme.get_absolute_url(), data)
    assert response.status_code == 200
    assert "à partir de demain" in response.content.decode()
    assert scheme.versions.count() == 1
    data["monthly_price_cents"] = "douze"
    response = client.post(scheme.get_absolute_url(), data)
    assert "Montant illisible" in response.content.decode()


def test_a_manager_publishes_a_host_offer(client, alice, place):
    client.force_login(alice)
    data = {
        f"desks_{d}": "2"
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    }
    data.update(closed_dates="25/12/2026\n2027-01-01", approval_hours="48", is_active="on")
    response = client.post(reverse("mobility:offer-edit", args=["la-bobine"]), data)
    assert response.status_code == 302
    assert HostOffer.objects.get().closed_dates == ["2026-12-25", "2027-01-01"]
    data["closed_dates"] = "Noël"
    response = client.post(reverse("mobility:offer-edit", args=["la-bobine"]), data)
    assert "Dates illisibles : Noël" in response.content.decode()
    assert HostOffer.objects.get().closed_dates == ["2026-12-25", "2027-01-01"]


def test_a_member_subscribes_from_the_page(client, bob, scheme, membership):
    client.force_login(bob)
    page = client.get(reverse("mobility:pass-subscribe")).content.decode()
    assert scheme.name in page
    response = client.post(reverse("mobility:pass-subscribe"), {"scheme": str(scheme.pk)})
    holder_pass = Pass.objects.get(holder=bob)
    assert response["Location"] == holder_pass.get_absolute_url()
    assert Transfer.objects.get().amount_cents == 4000


def test_a_coordinator_grants_a_pass(client, dora, scheme, membership, bob):
    client.force_login(dora)
    url = reverse("mobility:pass-grant", args=["reseau-a", scheme.pk])
    response = client.post(url, {"email": "inconnu@example.org", "home_place": membership.place_id})
    assert "Aucun compte" in response.content.decode()
    client.post(url, {"email": "bob@example.org", "home_place": membership.place_id})
    assert Pass.objects.get().granted_by == dora


@pytest.mark.parametrize("action", ["accepter", "refuser"])
def test_a_host_answers_a_request(client, charlie, bob_pass, offer, other_place, tuesday, action):
    offer.approval_required = True
    offer.save()
    visit = svc.book_visit(pass_=bob_pass, place=other_place, day=tuesday, idempotency_key="k")
    client.force_login(charlie)
    page = client.get(reverse("mobility:host-day", args=["le-hangar"])).content.decode()
    assert "Demandes à valider" in page
    url = reverse("mobility:booking-host-action", args=[visit.pk, action])
    summary = client.get(url).content.decode()
    assert "Bob" in summary and "La Bobine" in summary and 'name="confirm" value="oui"' in summary
    client.post(url)  # a bare POST only shows the summary again
    visit.refresh_from_db()
    assert visit.status == "pending"
    client.post(url, {"confirm": "oui"})
    visit.refresh_from_db()
    assert visit.status == {"accepter": "confirmed", "refuser": "refused"}[action]


def test_the_only_scheme_on_offer_is_already_chosen(client, bob, scheme, membership):
    client.force_login(bob)
    form = client.get(reverse("mobility:pass-subscribe")).context["form"]
    assert form["scheme"].value() == str(scheme.pk)
    assert "checked" in str(form["scheme"])


def test_with_two_schemes_none_is_chosen_for_the_member(client, bob, scheme, membership):
    from maillage.mobility.models import SchemeModel
    from maillage.mobility.tests.conftest import make_scheme

    make_scheme(scheme.network, SchemeModel.PREFERENTIAL)
    client.force_login(bob)
    form = client.get(reverse("mobility:pass-subscribe")).context["form"]
    assert form["scheme"].value() is None
    assert "checked" not in str(form["scheme"])


def test_the_find_page_does_not_offer_the_visitors_own_place(
    client, charlie, bob, bob_pass, offer, tuesday
):
    # Charlie manages Le Hangar: booking a desk there makes no sense for him.
    # (His menu names the places he manages: only the offers, in the main content, count.)
    client.force_login(charlie)
    response = client.get(reverse("mobility:find"), {"day": tuesday.isoformat()})
    assert "Le Hangar" not in _main(response)
    # Bob, member of La Bobine, sees Le Hangar.
    client.force_login(bob)
    response = client.get(reverse("mobility:find"), {"day": tuesday.isoformat()})
    assert "Le Hangar" in _main(response)


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index('<main id="main"') : page.index("</main>")]


def test_the_find_page_does_not_offer_a_pass_home_place(
    client, bob, bob_pass, offer, other_place, tuesday
):
    bob_pass.home_place = other_place  # a pass held from Le Hangar, without a role there
    bob_pass.save(update_fields=["home_place"])
    client.force_login(bob)
    page = client.get(reverse("mobility:find"), {"day": tuesday.isoformat()}).content.decode()
    assert "Le Hangar" not in page


def test_a_visit_past_its_cancellation_deadline_offers_no_cancel(
    client, bob, bob_pass, offer, other_place
):
    import zoneinfo

    import time_machine

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    monday = datetime.date(2026, 3, 2)
    with time_machine.travel(datetime.datetime(2026, 2, 27, 10, tzinfo=paris), tick=False):
        visit = svc.book_visit(pass_=bob_pass, place=other_place, day=monday, idempotency_key="k")
        client.force_login(bob)
        page = client.get(bob_pass.get_absolute_url()).content.decode()
        assert reverse("mobility:booking-cancel", args=[visit.pk]) in page
    # The visit starts at 9:00 on Monday: on Monday at 8:00 the notice has run out.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, tzinfo=paris), tick=False):
        with pytest.raises(svc.NotCancellable):
            svc.cancel_booking(booking=visit, by=bob)
        page = client.get(bob_pass.get_absolute_url()).content.decode()
        assert reverse("mobility:booking-cancel", args=[visit.pk]) not in page
