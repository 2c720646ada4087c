import pytest

from maillage.directory.opendata.services import NotAllowed, UnknownLicence, set_open_data_licence
from maillage.networks.models import OpenDataLicence


def test_coordinator_of_a_parent_network_may_choose_the_licence(network_a, dora):
    from maillage.networks.tests.factories import NetworkFactory

    child = NetworkFactory(parent=network_a, level="local")
    set_open_data_licence(network=child, by=dora, licence=OpenDataLicence.ODBL)
    child.refresh_from_db()
    assert child.open_data_licence == OpenDataLicence.ODBL


def test_someone_else_may_not_and_nothing_changes(network_a, erin):
    with pytest.raises(NotAllowed, match="coordinateur"):
        set_open_data_licence(network=network_a, by=erin, licence=OpenDataLicence.ODBL)
    network_a.refresh_from_db()
    assert network_a.open_data_licence == OpenDataLicence.ETALAB


def test_an_unknown_licence_is_refused(network_a, dora):
    with pytest.raises(UnknownLicence, match=r"Licence Ouverte 2\.0"):
        set_open_data_licence(network=network_a, by=dora, licence="wtfpl")
    network_a.refresh_from_db()
    assert network_a.open_data_licence == OpenDataLicence.ETALAB
