"""An import file holds a network's contacts: it is stored where no URL serves it."""

from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse

from maillage.directory.transfer import services
from maillage.directory.transfer.tests.conftest import HEADER, upload

GOOD = "1,La Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.3705,3.0799\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_uploaded_import_is_private_and_not_served_under_media(
    communes, media_root, client, dora, network_a
):
    run = services.start_import(by=dora, upload=upload(HEADER + "\n" + GOOD), network=network_a)

    stored = Path(run.file.path)
    assert stored.is_relative_to(storages["private"].location)
    assert not stored.is_relative_to(media_root)
    assert not list(media_root.rglob("*.csv"))
    for person in (Client(), client):
        if person is client:
            person.force_login(dora)  # even the coordinator who imported it: no public URL
        assert person.get(f"/media/{run.file.name}").status_code == 404


def test_the_uploaded_file_is_served_only_to_whom_may_see_the_import(
    communes, media_root, dora, erin, network_a
):
    content = HEADER + "\n" + GOOD
    run = services.start_import(by=dora, upload=upload(content), network=network_a)
    url = reverse("transfer:run-file", args=[run.pk])

    assert Client().get(url).status_code == 302  # to the login page
    stranger = Client()
    stranger.force_login(erin)  # coordinates another network
    assert stranger.get(url).status_code == 403
    coordinator = Client()
    coordinator.force_login(dora)
    response = coordinator.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content.encode()
    assert 'filename="lieux.csv"' in response["Content-Disposition"]
