"""A person downloads what is held about them (theirs only) and deletes their account."""

import datetime
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts import personal_data
from maillage.accounts.models import ApiToken, DataExport, Skill, User, Visibility
from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import NetworkRole
from maillage.notifications.models import Notification
from maillage.notifications.services import notify


def _with_history(user: User, *, skill: str, token: str) -> User:
    Skill.objects.create(user=user, name=skill, visibility=Visibility.PUBLIC)
    ApiToken.objects.create(user=user, name=token, prefix=token[:8], key_hash=f"hash-{token}")
    notify(users=[user], topic="test", title=f"Bonjour {user.display_name}", body="", url="")
    return user


def _archive(user: User) -> dict[str, str]:
    export = personal_data.request_export(user=user)
    personal_data.build_export(export=DataExport.objects.get(pk=export.pk))
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    with export.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_archive_holds_the_persons_data_and_no_one_elses(network_a, dora, bob):
    _with_history(bob, skill="Soudure à l'arc", token="bob-script")
    _with_history(dora, skill="Facilitation graphique", token="dora-script")

    files = _archive(bob)

    everything = "\n".join(files.values())
    assert bob.email in everything and "Soudure à l'arc" in everything
    assert "bob-script" in everything and "hash-bob-script" not in everything  # no secret
    assert dora.email not in everything
    assert "Facilitation graphique" not in everything and "dora-script" not in everything
    assert json.loads(files["profil.json"])[0]["email"] == bob.email
    assert {"profil.csv", "competences.csv", "reservations.csv", "inscriptions.csv",
            "grand_livre.json", "notifications.json", "LISEZMOI.txt"} <= set(files)  # fmt: skip
    # CSV for spreadsheets: a BOM and ";".
    assert files["competences.csv"].startswith("\ufeffname;description;visibility")


def test_a_second_archive_waits_for_the_first(bob):
    personal_data.request_export(user=bob)

    with pytest.raises(personal_data.ExportAlreadyRunning):
        personal_data.request_export(user=bob)


def test_the_page_builds_the_archive_with_progress_and_only_its_owner_downloads_it(
    client, bob, dora, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    assert "Préparer mon archive" in client.get(reverse("accounts:my-data")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:data-export"))
    export = DataExport.objects.get(user=bob)
    assert export.status == DataExport.Status.READY  # the immediate backend ran the task
    assert "Télécharger l'archive" in client.get(reverse("accounts:my-data")).content.decode()
    progress = client.get(reverse("accounts:data-export-progress", args=[export.pk]))
    assert b"data-export" in progress.content and b"<html" not in progress.content

    download = reverse("accounts:data-export-download", args=[export.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]

    other = Client()
    other.force_login(dora)
    assert other.get(download).status_code == 404
    assert other.get(reverse("accounts:data-export-progress", args=[export.pk])).status_code == 404
    anonymous = Client().get(download)
    assert anonymous.status_code == 302 and "/comptes/login/" in anonymous["Location"]


def test_an_expired_archive_is_no_longer_served(client, bob):
    export = personal_data.request_export(user=bob)
    personal_data.build_export(export=export)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    client.force_login(bob)

    response = client.get(reverse("accounts:data-export-download", args=[export.pk]))

    assert response.status_code == 404


def test_deleting_the_account_erases_what_is_personal_and_ends_every_session(network_a, dora):
    _with_history(dora, skill="Facilitation graphique", token="dora-script")
    laptop, phone = Client(), Client()
    laptop.force_login(dora)
    phone.force_login(dora)
    assert NetworkRole.objects.filter(user=dora).exists()

    response = laptop.post(
        reverse("accounts:account-delete"),
        {"confirmation": "DORA@example.org ", "understood": "on"},
    )

    assert response.status_code == 302
    dora.refresh_from_db()
    assert dora.anonymised_at is not None
    assert dora.public_name == "compte supprimé"
    assert dora.email == f"compte-supprime-{dora.pk}@invalid"
    assert (dora.display_name, dora.first_name, dora.last_name, dora.phone, dora.bio) == (
        "", "", "", "", "",
    )  # fmt: skip
    assert not dora.is_active and not dora.has_usable_password()
    assert not Skill.objects.filter(user=dora).exists()
    assert not ApiToken.objects.filter(user=dora).exists()
    assert not EmailAddress.objects.filter(user=dora).exists()
    assert not NetworkRole.objects.filter(user=dora).exists()
    assert not Notification.objects.filter(user=dora).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert phone.get(reverse("accounts:profile")).status_code == 302  # signed out there too


def test_a_wrong_confirmation_changes_nothing(client, dora):
    client.force_login(dora)

    response = client.post(
        reverse("accounts:account-delete"), {"confirmation": "dora@example.com", "understood": "on"}
    )

    assert response.status_code == 400
    assert "Recopiez exactement votre adresse e-mail" in response.content.decode()
    dora.refresh_from_db()
    assert dora.anonymised_at is None and dora.is_active


def test_others_notifications_no_longer_name_the_deleted_person(dora, bob):
    notify(users=[bob], topic="t", title=f"{dora.display_name} vous invite", body="", url="")

    personal_data.erase_account(user=dora)

    assert Notification.objects.get(user=bob).title == "compte supprimé vous invite"


def test_the_admin_anonymises_instead_of_deleting(admin_client, dora):
    changelist = reverse("admin:accounts_user_changelist")
    payload = {"action": "erase_accounts", "_selected_action": [dora.pk]}

    asked = admin_client.post(changelist, payload)
    assert "Oui, effacer" in asked.content.decode()
    dora.refresh_from_db()
    assert dora.anonymised_at is None  # nothing before the confirmation

    admin_client.post(changelist, {**payload, "confirm": "yes"})

    dora.refresh_from_db()
    assert dora.anonymised_at is not None
    assert User.objects.filter(pk=dora.pk).exists()
    delete_url = reverse("admin:accounts_user_delete", args=[dora.pk])
    assert admin_client.get(delete_url).status_code == 403


def test_retention_erases_accounts_never_confirmed_and_old_notifications(bob, dora):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ghost = UserFactory(email="jamais@example.org", verified=False)
    User.objects.filter(pk=ghost.pk).update(date_joined=long_ago, last_login=None)
    recent = UserFactory(email="nouveau@example.org", verified=False)
    notify(users=[bob], topic="t", title="Ancienne", body="", url="")
    Notification.objects.filter(user=bob).update(created_at=long_ago)
    notify(users=[bob], topic="t", title="Récente", body="", url="")
    revoked = ApiToken.objects.create(
        user=dora, name="vieux", prefix="vieux", key_hash="h", revoked_at=long_ago
    )

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)

    ghost.refresh_from_db()
    recent.refresh_from_db()
    assert ghost.anonymised_at is not None and recent.anonymised_at is None
    assert list(Notification.objects.filter(user=bob).values_list("title", flat=True)) == [
        "Récente"
    ]
    assert not ApiToken.objects.filter(pk=revoked.pk).exists()
    assert "notifications : 1" in out.getvalue()
