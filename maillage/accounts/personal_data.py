"""A person's rights over their data: download everything held about them, delete their account.

Each app knows what it holds about a person, and accounts sits below the apps that hold it: so
each app registers, from its `AppConfig.ready()`, a *section* here (as the ledger's clients do
with `ledger.registry`):
- `export(user)` → rows (dicts of plain values) for the person's download (JSON and CSV);
- `erase(user)` → undo or anonymise, through the app's own services, what must not outlive the
  account (future bookings and registrations cancelled, seats given back…), leaving whole what
  others rely on (ledger transfers, decisions, expenses, minutes);
- `purge(now)` → delete what the retention periods say is too old (docs/rgpd.md), returning a
  count for the report.
"""

import csv
import datetime
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import ApiToken, DataExport, Skill, User
from maillage.lib.csvio import neutralize
from maillage.lib.refusals import Refusal

log = logging.getLogger(__name__)

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Section:
    name: str  # file name in the zip: "bookings" → bookings.json, bookings.csv
    label: Any  # what the person reads (translatable)
    export: Callable[[User], Rows] | None = None
    erase: Callable[[User], None] | None = None
    purge: Callable[[datetime.datetime], int] | None = None


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.name] = section


def sections() -> list[Section]:
    return list(_sections.values())


class PersonalDataError(Refusal):
    pass


class ExportAlreadyRunning(PersonalDataError):
    message = _("Un export est déjà en préparation : il sera prêt dans un instant.")
    status = 409


class WrongConfirmation(PersonalDataError):
    field = "confirmation"
    message = _("Recopiez exactement votre adresse e-mail pour confirmer la suppression.")


class AlreadyErased(PersonalDataError):
    status = 409
    message = _("Ce compte est déjà supprimé.")


# --- download ------------------------------------------------------------------------------------


def request_export(*, user: User) -> DataExport:
    """Start building the person's download (by the worker); raise ExportAlreadyRunning."""
    from maillage.accounts.tasks import build_data_export

    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        busy = DataExport.objects.filter(
            user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
        )
        if busy.exists():
            raise ExportAlreadyRunning()
        export = DataExport.objects.create(
            user=user,
            sections_total=len(_sections),
            expires_at=timezone.now() + datetime.timedelta(days=settings.DATA_EXPORT_DAYS),
        )
        transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


def build_export(*, export: DataExport) -> DataExport:
    """Write the zip: one JSON and one CSV file per section, and a README; progress as it goes."""
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)
    user = export.user
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            contents = []
            for done, section in enumerate(sections(), start=1):
                rows = section.export(user) if section.export else []
                archive.writestr(
                    f"{section.name}.json",
                    json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                )
                archive.writestr(f"{section.name}.csv", _csv(rows))
                contents.append(f"- {section.name} : {section.label} ({len(rows)})")
                DataExport.objects.filter(pk=export.pk).update(sections_done=done)
            archive.writestr("LISEZMOI.txt", _readme(user, contents))
        export.file.save(f"{uuid.uuid4().hex}.zip", ContentFile(buffer.getvalue()), save=False)
        export.status = DataExport.Status.READY
        export.sections_done = export.sections_total
        export.save(update_fields=["file", "status", "sections_done"])
    except Exception as exc:
        log.exception("data export %s failed", export.pk)
        export.status, export.error = DataExport.Status.FAILED, str(exc)[:500]
        export.save(update_fields=["status", "error"])
    return export


def _csv(rows: Rows) -> str:
    """CSV that opens cleanly in LibreOffice and Excel (BOM, `;`, formulas neutralised)."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return neutralize(str(value))


def _readme(user: User, contents: list[str]) -> str:
    lines = [
        str(_("Données détenues par Maillage sur %(email)s, au %(date)s."))
        % {
            "email": user.email,
            "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        },
        "",
        str(_("Chaque rubrique existe en JSON et en CSV (séparateur « ; », UTF-8) :")),
        *contents,
        "",
        str(_("Vos droits et nos traitements : voir la page « Mes données » du site.")),
    ]
    return "\n".join(lines) + "\n"


def recover_stale_exports(*, now: datetime.datetime, after_minutes: int = 10) -> int:
    """Mark failed the archives a dead worker left in preparation; the person may ask again."""
    cutoff = now - datetime.timedelta(minutes=after_minutes)
    return DataExport.objects.filter(
        status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING], created_at__lt=cutoff
    ).update(status=DataExport.Status.FAILED, error="interrupted")


# --- deletion ---------------------------------------------------------------------------------


def erase_account(*, user: User, confirmation: str | None = None) -> User:
    """Delete the person's account: personal fields erased, their acts kept as "compte supprimé".

    `confirmation` (the person's own deletion) must repeat their e-mail address; a coordinator
    or an administrator handling a request passes None. Every app's `erase` runs first, in one
    transaction with the rest: the account is erased whole or not at all.
    """
    if confirmation is not None and confirmation.strip().lower() != user.email.lower():
        raise WrongConfirmation()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.anonymised_at is not None:
            raise AlreadyErased()
        for section in sections():
            if section.erase:
                section.erase(user)
        _erase_account_fields(user)
    return user


def _erase_account_fields(user: User) -> None:
    from allauth.account.models import EmailAddress
    from django.apps import apps

    Skill.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):  # not today; a network may enable it
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()
    for export in DataExport.objects.filter(user=user):
        if export.file:
            export.file.delete(save=False)
    DataExport.objects.filter(user=user).delete()
    end_sessions(user)
    user.email = f"compte-supprime-{user.pk}@invalid"
    user.first_name = user.last_name = user.display_name = ""
    user.bio = user.phone = ""
    user.commune = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.anonymised_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def end_sessions(user: User, *, keep: str | None = None) -> None:
    """Delete every live session of the person but `keep` (a session key); the database backend
    keeps them server-side, and only decoding one tells whose it is."""
    key = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == key:
            session.delete()


# --- retention --------------------------------------------------------------------------------


def purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply every retention period; return what was removed, per section."""
    now = now or timezone.now()
    report = {"accounts": purge_accounts(now=now)}
    for section in sections():
        if section.purge:
            report[section.name] = section.purge(now)
    return report


def purge_accounts(*, now: datetime.datetime) -> int:
    """Erase accounts never verified nor used within RETENTION_UNVERIFIED_ACCOUNT_DAYS, remove
    expired downloads, and API tokens revoked more than RETENTION_API_TOKEN_DAYS ago."""
    from allauth.account.models import EmailAddress

    removed = 0
    cutoff = now - datetime.timedelta(days=settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS)
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(
        anonymised_at__isnull=True, date_joined__lt=cutoff, last_login__isnull=True,
        is_staff=False,
    ).exclude(pk__in=verified)  # fmt: skip
    for user in stale:
        erase_account(user=user)
        removed += 1
    for export in DataExport.objects.filter(expires_at__lt=now):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    token_cutoff = now - datetime.timedelta(days=settings.RETENTION_API_TOKEN_DAYS)
    removed += ApiToken.objects.filter(revoked_at__lt=token_cutoff).delete()[0]
    return removed
