"""Curating the catalogue: who may list and edit commons, what a listing must carry, and how
places, people and contributions attach to a commons — each refusal changing nothing."""

import datetime

import pytest
from django.utils import timezone

from maillage.commons import services
from maillage.commons.models import Commons, Contact, Contribution, Usage
from maillage.commons.services import CommonsData

pytestmark = pytest.mark.django_db


def data(network, **overrides) -> CommonsData:
    values = {
        "name": "Movilab",
        "summary": "Le wiki des tiers-lieux.",
        "nature": "community",
        "licence": "cc-by-sa-4.0",
        "actions": ["documenter"],
        "domains": ["connaissances"],
        "network": network,
    }
    values.update(overrides)
    return CommonsData(**values)


def test_a_guide_lists_a_commons_with_its_licence_spelled_as_spdx(gaelle, network_a):
    commons = services.create_commons(by=gaelle, data=data(network_a))

    assert commons.slug == "movilab"
    assert commons.licence == "CC-BY-SA-4.0"
    assert commons.created_by == gaelle


def test_a_coordinator_lists_one_too_but_not_for_another_network(dora, network_a, network_b):
    services.create_commons(by=dora, data=data(network_a))

    with pytest.raises(services.NotAllowed):
        services.create_commons(by=dora, data=data(network_b, name="Autre"))
    assert Commons.objects.count() == 1


def test_a_place_manager_cannot_list_a_commons(alice, network_a):
    with pytest.raises(services.NotAllowed):
        services.create_commons(by=alice, data=data(network_a))
    assert not Commons.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"licence": "Libre"}, "licence"),
        ({"nature": "potion"}, "nature"),
        ({"summary": "  "}, "summary"),
        ({"actions": ["voler"]}, "actions"),
    ],
)
def test_an_entry_with_bad_values_is_refused_beside_the_field(gaelle, network_a, overrides, field):
    with pytest.raises(services.InvalidCommons) as refusal:
        services.create_commons(by=gaelle, data=data(network_a, **overrides))

    assert refusal.value.field == field
    assert not Commons.objects.exists()


def test_a_refused_update_leaves_the_object_and_the_database_as_they_were(gaelle, paheko):
    with pytest.raises(services.InvalidCommons):
        services.update_commons(commons=paheko, by=gaelle, data=CommonsData(licence="?"))

    assert paheko.licence == "AGPL-3.0"
    paheko.refresh_from_db()
    assert paheko.licence == "AGPL-3.0"


def test_only_the_network_curators_edit_an_entry(erin, paheko):
    with pytest.raises(services.NotAllowed):
        services.update_commons(commons=paheko, by=erin, data=CommonsData(summary="Pris"))


def test_a_place_manager_declares_that_the_place_uses_it_once(alice, place, paheko):
    usage = services.declare_usage(
        commons=paheko, place=place, by=alice, since=datetime.date(2024, 3, 1), testimonial="Ravis."
    )

    assert usage.declared_by == alice
    with pytest.raises(services.AlreadyDeclared):
        services.declare_usage(commons=paheko, place=place, by=alice)
    assert Usage.objects.count() == 1


def test_someone_who_does_not_manage_the_place_cannot_declare_for_it(bob, place, paheko):
    with pytest.raises(services.NotAllowed):
        services.declare_usage(commons=paheko, place=place, by=bob)
    assert not Usage.objects.exists()


def test_a_usage_cannot_start_in_the_future(alice, place, paheko):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.InvalidCommons):
        services.declare_usage(commons=paheko, place=place, by=alice, since=tomorrow)


def test_a_person_offers_help_then_withdraws_and_disappears(bob, paheko):
    services.offer_help(commons=paheko, by=bob, helps_with="Installer l'outil")
    services.offer_help(commons=paheko, by=bob, helps_with="Former une équipe")

    assert list(Contact.objects.values_list("helps_with", flat=True)) == ["Former une équipe"]
    services.withdraw_help(commons=paheko, by=bob)
    assert not Contact.objects.exists()


def test_help_must_say_what_with(bob, paheko):
    with pytest.raises(services.InvalidCommons):
        services.offer_help(commons=paheko, by=bob, helps_with="   ")


def test_a_contribution_on_behalf_of_a_place_needs_its_manager(alice, bob, place, paheko):
    today = timezone.localdate()
    services.log_contribution(
        commons=paheko,
        by=alice,
        kind="documentation",
        summary="Guide",
        happened_on=today,
        place=place,
    )
    with pytest.raises(services.NotAllowed):
        services.log_contribution(
            commons=paheko, by=bob, kind="code", summary="Correctif", happened_on=today, place=place
        )
    assert Contribution.objects.count() == 1
