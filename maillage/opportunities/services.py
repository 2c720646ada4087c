"""Writes of opportunities: calls entered or proposed and moderated, follows, alerts, the
tracks of places, and the answers built together. Each refusal is a French sentence; nothing
has changed when one is raised."""

import datetime
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.networks.selectors import coordinators, is_coordinator, networks_of
from maillage.notifications.services import notify
from maillage.opportunities import selectors
from maillage.opportunities.models import (
    PARIS,
    Answer,
    CalendarToken,
    Call,
    CallDocument,
    Follow,
    Kind,
    Mode,
    Partner,
    PartnerOffer,
    Piece,
    SavedSearch,
    Scope,
    SharedLink,
    Structure,
    Theme,
    Track,
    WorkPackage,
)
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, place_managers
from maillage.territory.models import Commune
from maillage.territory.selectors import is_department_code


class OpportunityError(Refusal):
    """A write on opportunities was refused; nothing changed."""

    api_fields = {"circle": "circle_id"}


class NotAllowed(OpportunityError):
    status = 403


class InvalidCall(OpportunityError):
    pass


class Conflict(OpportunityError):
    status = 409


# --- Keys for de-duplication ------------------------------------------------------------------


def link_key(url: str) -> str:
    """A link without scheme, "www.", trailing slash or tracking parameters."""
    url = url.strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    url = re.sub(r"[?&]utm_[^&]*", "", url)
    return url.rstrip("/?&#")[:500]


def title_key(title: str, deadline: datetime.datetime | None) -> str:
    bare = unicodedata.normalize("NFKD", title.lower())
    bare = "".join(c for c in bare if c.isalnum() or c == " ")
    day = deadline.astimezone(datetime.UTC).date().isoformat() if deadline else "-"
    return (" ".join(bare.split()) + "|" + day)[:400]


def find_duplicate(
    *, url: str, title: str, deadline: datetime.datetime | None, exclude_pk: int | None = None
) -> Call | None:
    calls = Call.objects.exclude(pk=exclude_pk) if exclude_pk else Call.objects.all()
    key = link_key(url) if url else ""
    if key:
        found = calls.filter(link_key=key).first()
        if found:
            return found
    return calls.filter(title_key=title_key(title, deadline)).first()


# --- Territory --------------------------------------------------------------------------------


def resolve_territory(text: str) -> tuple[str, list[str], list[str], list[str]]:
    """Codes from "national", "R32", "80", "80021", "Somme", "Hauts-de-France" (comma-separated);
    raise InvalidCall naming what is unknown."""
    items = [t.strip() for t in re.split(r"[,;|]", text or "") if t.strip()]
    if not items or any(t.lower() in ("national", "france", "france entière") for t in items):
        return Scope.NATIONAL, [], [], []
    regions: list[str] = []
    departments: list[str] = []
    communes: list[str] = []
    unknown: list[str] = []
    for item in items:
        upper = item.upper()
        if (
            re.fullmatch(r"R\d{2}", upper)
            and Commune.objects.filter(region_code=upper[1:]).exists()
        ):
            regions.append(upper[1:])
        elif (
            re.fullmatch(r"\d{2}|2A|2B|97\d", upper)
            and Commune.objects.filter(department_code=upper).exists()
        ):
            departments.append(upper)
        elif (
            re.fullmatch(r"\d{5}|2[AB]\d{3}", upper)
            and Commune.objects.filter(code_insee=upper).exists()
        ):
            communes.append(upper)
        elif (found := Commune.objects.filter(department__iexact=item).first()) is not None:
            departments.append(found.department_code)
        elif (found := Commune.objects.filter(region__iexact=item).first()) is not None:
            regions.append(found.region_code)
        else:
            unknown.append(item)
    if unknown:
        raise InvalidCall(
            _(
                "Territoire inconnu : %(v)s. Indiquez « national », un code de région (R32), de "
                "département (80) ou de commune (80021), ou leur nom."
            )
            % {"v": ", ".join(unknown)},
            field="territory",
        )
    return Scope.LOCAL, sorted(set(regions)), sorted(set(departments)), sorted(set(communes))


def territory_text(call: Call) -> str:
    if call.scope == Scope.NATIONAL:
        return "national"
    return ", ".join(
        [f"R{c}" for c in call.region_codes] + call.department_codes + call.commune_codes
    )


# --- Calls ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CallData(Input):
    title: str | _Unset = UNSET
    kind: str | _Unset = UNSET
    funder: str | _Unset = UNSET
    summary: str | _Unset = UNSET
    amount_min_cents: int | _Unset | None = UNSET
    amount_max_cents: int | _Unset | None = UNSET
    cofunding_rate: int | _Unset | None = UNSET
    deadline: datetime.datetime | _Unset | None = UNSET
    rolling: bool | _Unset = UNSET
    limited_envelope: bool | _Unset = UNSET
    envelope_cents: int | _Unset | None = UNSET
    territory: str | _Unset = UNSET
    themes: list[str] | _Unset = UNSET
    eligible: list[str] | _Unset = UNSET
    consortium_allowed: bool | _Unset = UNSET
    mode: str | _Unset = UNSET
    url: str | _Unset = UNSET
    documents: list[dict[str, str]] | _Unset = UNSET
    required_pieces: list[str] | _Unset = UNSET
    network: Network | _Unset = UNSET


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180].strip("-") or "appel"
    taken = set(Call.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= {"nouveau", "proposer", "moderation", "import", "alertes", "reponses", "tableau"}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_call(call: Call, *, now: datetime.datetime | None = None, new: bool = True) -> None:
    """Every rule of a call; raise InvalidCall on the first broken one."""
    now = now or timezone.now()
    if not call.title.strip():
        raise InvalidCall(_("Donnez l'intitulé de l'appel."), field="title")
    if not call.funder.strip():
        raise InvalidCall(_("Indiquez le financeur ou l'acheteur."), field="funder")
    if call.kind not in Kind.values:
        raise InvalidCall(_("Choisissez la nature de l'appel."), field="kind")
    if call.mode not in Mode.values:
        raise InvalidCall(_("Dites si l'appel est compétitif ou coopératif."), field="mode")
    if call.rolling:
        call.deadline = None
    elif call.deadline is None:
        raise InvalidCall(
            _("Indiquez la date limite, ou cochez « au fil de l'eau »."), field="deadline"
        )
    elif new and call.deadline <= now:
        raise InvalidCall(_("La date limite est déjà passée."), field="deadline")
    if (
        call.amount_min_cents is not None
        and call.amount_max_cents is not None
        and call.amount_min_cents > call.amount_max_cents
    ):
        raise InvalidCall(
            _("Le montant minimum dépasse le montant maximum."), field="amount_min_cents"
        )
    if call.cofunding_rate is not None and not 0 < call.cofunding_rate <= 100:
        raise InvalidCall(
            _("Le taux de cofinancement est un pourcentage entre 1 et 100."),
            field="cofunding_rate",
        )
    unknown = [t for t in call.themes if t not in Theme.values]
    if unknown:
        raise InvalidCall(
            _("Thématique inconnue : %(v)s.") % {"v": ", ".join(unknown)}, field="themes"
        )
    unknown = [s for s in call.eligible if s not in Structure.values]
    if unknown:
        raise InvalidCall(
            _("Structure inconnue : %(v)s.") % {"v": ", ".join(unknown)}, field="eligible"
        )
    call.link_key = link_key(call.url) if call.url else ""
    call.title_key = title_key(call.title, call.deadline)


def _assign(call: Call, data: CallData) -> None:
    values = data.given()
    territory = values.pop("territory", None)
    data_without = {k: v for k, v in values.items()}
    for name, value in data_without.items():
        setattr(call, name, value)
    if territory is not None:
        call.scope, call.region_codes, call.department_codes, call.commune_codes = (
            resolve_territory(territory)
        )


def create_call(*, by: User, data: CallData, now: datetime.datetime | None = None) -> Call:
    """A coordinator puts a call on the board of their network (published at once); a member of
    the network proposes one (published once a coordinator accepts it)."""
    call = Call(created_by=by, source=Call.Source.MANUAL)
    _assign(call, data)
    if not call.scope:
        call.scope = Scope.NATIONAL
    network = call.network if call.network_id else None
    if network is None:
        raise InvalidCall(_("Choisissez le réseau où l'annoncer."), field="network")
    if is_coordinator(user=by, network=network):
        call.status = Call.Status.PUBLISHED
        call.published_at = now or timezone.now()
    elif networks_of(user=by).filter(pk=network.pk).exists():
        call.status = Call.Status.PROPOSED
    else:
        raise NotAllowed(
            _("Seul·es les membres d'un réseau lui proposent des appels."), field="network"
        )
    check_call(call, now=now)
    duplicate = find_duplicate(url=call.url, title=call.title, deadline=call.deadline)
    if duplicate is not None:
        raise Conflict(
            _("Cet appel est déjà sur le tableau : « %(t)s ».") % {"t": duplicate.title},
            field="url" if call.url else "title",
        )
    with transaction.atomic():
        call.slug = _unique_slug(call.title)
        call.save()
    if call.status == Call.Status.PROPOSED:
        notify(
            users=[role.user for role in coordinators(network=network)],
            topic="opportunities.proposed",
            title=_("Appel proposé à modérer : %(t)s") % {"t": call.title},
            url="/opportunites/moderation/",
            exclude=by,
            key=f"opportunities.moderate:{call.pk}",
        )
    return call


def update_call(
    *, call: Call, by: User, data: CallData, now: datetime.datetime | None = None
) -> Call:
    """Coordinators of the network edit a call; who proposed it edits it while it waits for
    moderation (its network stays). A new deadline may not be already past."""
    if not selectors.may_edit_call(user=by, call=call):
        raise NotAllowed(
            _("Seul·es les coordinateur·rices du réseau, ou qui l'a proposé, modifient cet appel.")
        )
    moved = not isinstance(data.network, _Unset) and data.network.pk != call.network_id
    if moved and not is_coordinator(user=by, network=data.network):  # type: ignore[arg-type]
        raise NotAllowed(
            _("Vous ne pouvez pas annoncer cet appel dans ce réseau."), field="network"
        )
    before = {f.attname: getattr(call, f.attname) for f in Call._meta.concrete_fields}
    try:
        _assign(call, data)
        check_call(call, new=False)
        changed = call.deadline is not None and call.deadline != before["deadline"]
        if changed and call.deadline <= (now or timezone.now()):  # type: ignore[operator]
            raise InvalidCall(_("La date limite est déjà passée."), field="deadline")
        duplicate = find_duplicate(
            url=call.url, title=call.title, deadline=call.deadline, exclude_pk=call.pk
        )
        if duplicate is not None:
            raise Conflict(
                _("Cet appel est déjà sur le tableau : « %(t)s ».") % {"t": duplicate.title},
                field="url" if call.url else "title",
            )
        call.save()
    except Exception:
        for name, value in before.items():
            setattr(call, name, value)
        raise
    return call


MAX_CALL_DOCUMENTS = 12


def add_call_document(
    *, call: Call, by: User, upload: UploadedFile, label: str = ""
) -> CallDocument:
    """Attach a document to a call (rules, form): a PDF, an image or an office document, decided
    by its bytes and bounded in size as the circles' documents are (images kept re-encoded)."""
    from maillage.circles.budget_services.documents import read_document
    from maillage.circles.budget_services.errors import BudgetError

    if not selectors.may_edit_call(user=by, call=call):
        raise NotAllowed(
            _(
                "Seul·es les coordinateur·rices du réseau, ou qui l'a proposé, ajoutent des documents."
            )
        )
    if call.files.count() >= MAX_CALL_DOCUMENTS:
        raise Conflict(
            _("Un appel porte au plus %(n)d documents : retirez-en un d'abord.")
            % {"n": MAX_CALL_DOCUMENTS},
            field="file",
        )
    try:
        content, extension, _content_type = read_document(upload, field="file")
    except BudgetError as refusal:
        raise InvalidCall(refusal.message, field="file") from None
    name = (upload.name or "document").rsplit("/", 1)[-1]
    title = (label.strip() or name.rsplit(".", 1)[0].strip() or _("Document"))[:200]
    with transaction.atomic():
        document = CallDocument(call=call, label=title, size=len(content), uploaded_by=by)
        document.file.save(
            f"{slugify(title)[:60] or 'document'}.{extension}", ContentFile(content), save=False
        )
        document.save()
    return document


def remove_call_document(*, document: CallDocument, by: User) -> None:
    if not selectors.may_edit_call(user=by, call=document.call):
        raise NotAllowed(
            _(
                "Seul·es les coordinateur·rices du réseau, ou qui l'a proposé, retirent des documents."
            )
        )
    stored = document.file
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: stored.delete(save=False))


def moderate_call(*, call: Call, by: User, accept: bool, note: str = "") -> Call:
    if not selectors.may_moderate(user=by, call=call):
        raise NotAllowed(_("Seul·es les coordinateur·rices du réseau modèrent ses appels."))
    if call.status != Call.Status.PROPOSED:
        raise Conflict(_("Cet appel a déjà été modéré."))
    if not accept and not note.strip():
        raise InvalidCall(_("Dites pourquoi l'appel est refusé."), field="note")
    call.status = Call.Status.PUBLISHED if accept else Call.Status.REFUSED
    call.moderation_note = note.strip()[:300]
    if accept:
        call.published_at = timezone.now()
    call.save(update_fields=["status", "moderation_note", "published_at", "updated_at"])
    from maillage.notifications.services import mark_handled

    mark_handled(key=f"opportunities.moderate:{call.pk}")
    if call.created_by is not None:
        notify(
            users=[call.created_by],
            topic="opportunities.moderated",
            title=(
                _("Votre appel est publié : %(t)s")
                if accept
                else _("Votre appel n'est pas publié : %(t)s")
            )
            % {"t": call.title},
            body=call.moderation_note,
            url=call.get_absolute_url(),
            exclude=by,
        )
    return call


def follow_call(*, call: Call, by: User) -> Follow:
    follow, _created = Follow.objects.get_or_create(user=by, call=call)
    return follow


def unfollow_call(*, call: Call, by: User) -> None:
    Follow.objects.filter(user=by, call=call).delete()


def calendar_token(*, user: User, renew: bool = False) -> str:
    token, created = CalendarToken.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(24)}
    )
    if renew and not created:
        token.token = secrets.token_urlsafe(24)
        token.save(update_fields=["token"])
    return token.token


# --- Alerts -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AlertData(Input):
    name: str | _Unset = UNSET
    kinds: list[str] | _Unset = UNSET
    themes: list[str] | _Unset = UNSET
    department_codes: list[str] | _Unset = UNSET
    region_codes: list[str] | _Unset = UNSET
    amount_min_cents: int | _Unset | None = UNSET
    frequency: str | _Unset = UNSET


def _check_alert(alert: SavedSearch) -> None:
    if not alert.name.strip():
        raise InvalidCall(_("Donnez un nom à l'alerte."), field="name")
    if any(k not in Kind.values for k in alert.kinds):
        raise InvalidCall(_("Nature inconnue."), field="kinds")
    if any(t not in Theme.values for t in alert.themes):
        raise InvalidCall(_("Thématique inconnue."), field="themes")
    if alert.frequency not in SavedSearch.Frequency.values:
        raise InvalidCall(_("Choisissez la fréquence des courriels."), field="frequency")
    known = set(
        Commune.objects.filter(department_code__in=alert.department_codes).values_list(
            "department_code", flat=True
        )
    )
    unknown = [d for d in alert.department_codes if d not in known and not is_department_code(d)]
    if unknown:
        raise InvalidCall(
            _("Département inconnu : %(v)s.") % {"v": ", ".join(unknown)},
            field="department_codes",
        )


def save_alert(*, by: User, data: AlertData, alert: SavedSearch | None = None) -> SavedSearch:
    if alert is not None and alert.user_id != by.pk:
        raise NotAllowed(_("Cette alerte n'est pas la vôtre."))
    target = alert or SavedSearch(user=by)
    before = {f.attname: getattr(target, f.attname) for f in SavedSearch._meta.concrete_fields}
    data.assign_to(target)
    try:
        _check_alert(target)
        target.save()
    except Exception:
        for name, value in before.items():
            setattr(target, name, value)
        raise
    return target


def delete_alert(*, alert: SavedSearch, by: User) -> None:
    if alert.user_id != by.pk:
        raise NotAllowed(_("Cette alerte n'est pas la vôtre."))
    alert.delete()


# --- Tracks of places -------------------------------------------------------------------------


def set_track(
    *,
    place: Place,
    call: Call,
    by: User,
    step: str,
    on: datetime.date | None = None,
    amount_won_cents: int | None = None,
) -> Track:
    """A place says where it stands on a call; each step is dated (its track record)."""
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(_("Seul·es les gestionnaires du lieu suivent ses appels."), field="place")
    if step not in Track.Step.values:
        raise InvalidCall(_("Choisissez une étape."), field="step")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise InvalidCall(_("Une étape ne peut pas être datée du futur."), field="on")
    with transaction.atomic():
        track, _created = Track.objects.select_for_update().get_or_create(
            place=place, call=call, defaults={"step": step}
        )
        track.step = step
        track.history = [*track.history, [step, on.isoformat()]]
        if amount_won_cents is not None:
            track.amount_won_cents = amount_won_cents
        track.save()
    return track


def look_for_partners(*, place: Place, call: Call, by: User, note: str) -> Track:
    if not note.strip():
        raise InvalidCall(_("Dites quels partenaires vous cherchez."), field="note")
    track = Track.objects.filter(place=place, call=call).first()
    if track is None:
        track = set_track(place=place, call=call, by=by, step=Track.Step.INTERESTED)
    elif not can_edit_place(user=by, place=place):
        raise NotAllowed(_("Seul·es les gestionnaires du lieu suivent ses appels."), field="place")
    track.looking_for_partners = True
    track.partners_note = note.strip()[:500]
    track.save(update_fields=["looking_for_partners", "partners_note", "updated_at"])
    return track


def offer_to_partner(*, track: Track, place: Place, by: User, brings: str) -> PartnerOffer:
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(_("Vous ne gérez pas ce lieu."), field="place")
    if place.pk == track.place_id:
        raise InvalidCall(_("Proposez un autre lieu que celui qui cherche."), field="place")
    if not brings.strip():
        raise InvalidCall(_("Dites ce que vous apportez."), field="brings")
    offer = PartnerOffer.objects.create(track=track, place=place, by=by, brings=brings.strip())
    notify(
        users=place_managers(place=track.place),
        topic="opportunities.offer",
        title=_("%(p)s propose de répondre avec vous : %(t)s")
        % {"p": place.name, "t": track.call.title},
        body=offer.brings,
        url=track.call.get_absolute_url(),
        exclude=by,
    )
    return offer


# --- Answers ----------------------------------------------------------------------------------


def open_answer(
    *,
    call: Call,
    by: User,
    lead_place: Place,
    title: str = "",
    internal_deadline: datetime.date | None = None,
) -> Answer:
    """A place opens a workspace to answer a call; it is the lead, its manager writes in it."""
    if not can_edit_place(user=by, place=lead_place):
        raise NotAllowed(
            _("Seul·es les gestionnaires du lieu ouvrent une réponse en son nom."),
            field="lead_place",
        )
    if call.status != Call.Status.PUBLISHED:
        raise Conflict(_("Cet appel n'est pas publié."))
    if not call.is_open():
        raise Conflict(_("Cet appel est clos : sa date limite est passée."))
    _check_internal_deadline(call, internal_deadline)
    with transaction.atomic():
        answer = Answer.objects.create(
            call=call,
            title=(title.strip() or call.title)[:200],
            network=call.network,
            internal_deadline=internal_deadline,
            created_by=by,
        )
        Partner.objects.create(
            answer=answer,
            place=lead_place,
            role=Partner.Role.LEAD,
            status=Partner.Status.ACCEPTED,
            invited_by=by,
            answered_at=timezone.now(),
        )
        for label in call.required_pieces:
            Piece.objects.create(answer=answer, label=str(label)[:200])
        track = Track.objects.filter(place=lead_place, call=call).first()
        if track is None or track.step == Track.Step.INTERESTED:
            set_track(place=lead_place, call=call, by=by, step=Track.Step.PREPARING)
    return answer


def _check_internal_deadline(call: Call, day: datetime.date | None) -> None:
    if day is None:
        return
    if day < timezone.localdate():
        raise InvalidCall(_("La date limite interne est déjà passée."), field="internal_deadline")
    if call.deadline_local and day >= call.deadline_local.date():
        raise InvalidCall(
            _("La date limite interne doit précéder celle de l'appel (%(d)s).")
            % {"d": call.deadline_local.strftime("%d/%m/%Y")},
            field="internal_deadline",
        )


def _require_lead(answer: Answer, by: User) -> None:
    if not selectors.may_lead(user=by, answer=answer):
        raise NotAllowed(_("Seul·es le chef de file et les coordinateur·rices peuvent le faire."))


def _require_writer(answer: Answer, by: User) -> None:
    if not selectors.may_edit_answer(user=by, answer=answer):
        raise NotAllowed(_("Seul·es les partenaires de la réponse y écrivent."))


def _require_preparing(answer: Answer) -> None:
    if answer.status != Answer.Status.PREPARING:
        raise Conflict(_("La réponse n'est plus en préparation."))


def set_internal_deadline(*, answer: Answer, by: User, day: datetime.date | None) -> Answer:
    _require_lead(answer, by)
    _check_internal_deadline(answer.call, day)
    answer.internal_deadline = day
    answer.save(update_fields=["internal_deadline"])
    return answer


def invite_partner(
    *,
    answer: Answer,
    by: User,
    role: str,
    place: Place | None = None,
    user: User | None = None,
) -> Partner:
    """The lead invites a place (its managers accept) or a person; they see the workspace."""
    _require_lead(answer, by)
    _require_preparing(answer)
    if role not in (Partner.Role.COCONTRACTOR, Partner.Role.SUBCONTRACTOR):
        raise InvalidCall(_("Choisissez cotraitant ou sous-traitant."), field="role")
    if (place is None) == (user is None):
        raise InvalidCall(_("Invitez un lieu ou une personne."), field="place")
    if place is not None and not place.is_published:
        raise InvalidCall(_("Ce lieu n'est pas publié dans l'annuaire."), field="place")
    if (
        not answer.call.consortium_allowed
        and answer.partners.filter(role=Partner.Role.COCONTRACTOR).exists()
        and role == Partner.Role.COCONTRACTOR
    ):
        raise Conflict(_("Cet appel n'admet pas de réponse à plusieurs cotraitants."), field="role")
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                answer=answer, place=place, user=user, role=role, invited_by=by
            )
    except IntegrityError:
        raise Conflict(_("Ce partenaire est déjà invité."), field="place") from None
    recipients = place_managers(place=place) if place is not None else [user]
    notify(
        users=[u for u in recipients if u is not None],
        topic="opportunities.invitation",
        title=_("Invitation à répondre ensemble : %(t)s") % {"t": answer.call.title},
        body=_("%(who)s vous invite comme %(role)s.")
        % {"who": by.public_name, "role": partner.get_role_display().lower()},
        url=answer.get_absolute_url(),
        exclude=by,
        key=f"opportunities.invitation:{partner.pk}",
    )
    return partner


def invite_person(*, answer: Answer, by: User, email: str, role: str) -> Partner:
    """The lead invites a person (a professional, a freelancer…) by the e-mail of their account;
    they accept from their space."""
    email = (email or "").strip()
    if not email:
        raise InvalidCall(_("Indiquez l'adresse e-mail de la personne."), field="email")
    _require_lead(answer, by)
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise InvalidCall(
            _(
                "Aucun compte n'utilise l'adresse %(email)s : la personne doit d'abord "
                "s'inscrire, puis vous l'invitez."
            )
            % {"email": email},
            field="email",
        )
    if person.pk == by.pk:
        raise InvalidCall(_("Vous ne pouvez pas vous inviter vous-même."), field="email")
    try:
        return invite_partner(answer=answer, by=by, role=role, user=person)
    except OpportunityError as refusal:
        if refusal.field == "place":
            refusal.field = "email"
        raise


def answer_invitation(*, partner: Partner, by: User, accept: bool) -> Partner:
    if partner.status != Partner.Status.INVITED:
        raise Conflict(_("Cette invitation a déjà reçu une réponse."))
    allowed = (partner.user_id == by.pk) or (
        partner.place is not None and can_edit_place(user=by, place=partner.place)
    )
    if not allowed:
        raise NotAllowed(_("Cette invitation ne vous est pas adressée."))
    partner.status = Partner.Status.ACCEPTED if accept else Partner.Status.DECLINED
    partner.answered_at = timezone.now()
    partner.save(update_fields=["status", "answered_at"])
    from maillage.notifications.services import mark_handled

    mark_handled(key=f"opportunities.invitation:{partner.pk}")
    if accept and partner.place is not None:
        track = Track.objects.filter(place=partner.place, call=partner.answer.call).first()
        if track is None or track.step == Track.Step.INTERESTED:
            set_track(place=partner.place, call=partner.answer.call, by=by, step="preparing")
    return partner


def split_budget(*, answer: Answer, by: User, shares: dict[int, int]) -> list[Partner]:
    """Each partner's part in cents; the total may not exceed the call's ceiling."""
    _require_lead(answer, by)
    _require_preparing(answer)
    partners = {p.pk: p for p in answer.partners.exclude(status=Partner.Status.DECLINED)}
    unknown = set(shares) - set(partners)
    if unknown:
        raise InvalidCall(_("Ce partenaire ne fait pas partie de la réponse."), field="shares")
    if any(cents < 0 for cents in shares.values()):
        raise InvalidCall(_("Une part ne peut pas être négative."), field="shares")
    total = sum(shares.get(pk, p.budget_cents) for pk, p in partners.items())
    ceiling = answer.call.amount_max_cents
    if ceiling is not None and total > ceiling:
        from maillage.lib.money import format_cents

        raise InvalidCall(
            _("Le total (%(total)s) dépasse le plafond de l'appel (%(ceiling)s).")
            % {"total": format_cents(total), "ceiling": format_cents(ceiling)},
            field="shares",
        )
    with transaction.atomic():
        for pk, cents in shares.items():
            partners[pk].budget_cents = cents
            partners[pk].save(update_fields=["budget_cents"])
    return list(partners.values())


def add_work_package(
    *, answer: Answer, by: User, title: str, description: str = "", leader: Partner | None = None
) -> WorkPackage:
    _require_writer(answer, by)
    _require_preparing(answer)
    if not title.strip():
        raise InvalidCall(_("Donnez un intitulé au lot."), field="title")
    if leader is not None and leader.answer_id != answer.pk:
        raise InvalidCall(_("Ce partenaire ne fait pas partie de la réponse."), field="leader")
    return WorkPackage.objects.create(
        answer=answer, title=title.strip(), description=description.strip(), leader=leader
    )


def add_piece(
    *,
    answer: Answer,
    by: User,
    label: str,
    owner: Partner | None = None,
    due_on: datetime.date | None = None,
) -> Piece:
    _require_writer(answer, by)
    _require_preparing(answer)
    if not label.strip():
        raise InvalidCall(_("Nommez la pièce."), field="label")
    if owner is not None and owner.answer_id != answer.pk:
        raise InvalidCall(_("Ce partenaire ne fait pas partie de la réponse."), field="owner")
    if due_on is not None and due_on < timezone.localdate():
        raise InvalidCall(_("Cette date est déjà passée."), field="due_on")
    return Piece.objects.create(answer=answer, label=label.strip(), owner=owner, due_on=due_on)


def update_piece(
    *,
    piece: Piece,
    by: User,
    done: bool | None = None,
    owner: Partner | Any | None = UNSET,
    due_on: datetime.date | Any | None = UNSET,
) -> Piece:
    _require_writer(piece.answer, by)
    if owner is not UNSET:
        if owner is not None and owner.answer_id != piece.answer_id:
            raise InvalidCall(_("Ce partenaire ne fait pas partie de la réponse."), field="owner")
        piece.owner = owner
    if due_on is not UNSET:
        piece.due_on = due_on
    if done is not None:
        piece.done = done
    piece.save()
    return piece


def add_link(*, answer: Answer, by: User, label: str, url: str) -> SharedLink:
    _require_writer(answer, by)
    if not label.strip():
        raise InvalidCall(_("Donnez un libellé au lien."), field="label")
    if not url.startswith(("https://", "http://")):
        raise InvalidCall(_("Le lien doit commencer par https://."), field="url")
    return SharedLink.objects.create(answer=answer, label=label.strip(), url=url)


def upload_letter(*, partner: Partner, by: User, name: str, content: bytes) -> Partner:
    """A partner's letter of commitment: a real PDF (or image), checked like every upload."""
    from django.core.files.base import ContentFile

    from maillage.lib.uploads import check_document

    answer = partner.answer
    mine = partner.user_id == by.pk or (
        partner.place is not None and can_edit_place(user=by, place=partner.place)
    )
    if not (mine or selectors.may_lead(user=by, answer=answer)):
        raise NotAllowed(_("Seul·es ce partenaire et le chef de file déposent sa lettre."))
    if partner.status != Partner.Status.ACCEPTED:
        raise Conflict(_("Le partenaire doit d'abord accepter l'invitation."), field="letter")
    checked = check_document(content)
    if checked is None:
        raise InvalidCall(_("La lettre doit être un PDF ou une image lisible."), field="letter")
    extension, _content_type = checked
    partner.letter.save(f"engagement-{partner.pk}.{extension}", ContentFile(content), save=False)
    partner.save(update_fields=["letter"])
    return partner


STATUS_CHANGES: dict[str, set[str]] = {
    Answer.Status.PREPARING: {Answer.Status.SUBMITTED, Answer.Status.DROPPED},
    Answer.Status.SUBMITTED: {Answer.Status.WON, Answer.Status.REFUSED},
}
TRACK_OF: dict[str, str] = {
    Answer.Status.SUBMITTED: Track.Step.SUBMITTED,
    Answer.Status.WON: Track.Step.WON,
    Answer.Status.REFUSED: Track.Step.REFUSED,
}


def change_status(
    *, answer: Answer, by: User, status: str, amount_won_cents: int | None = None
) -> Answer:
    """Submitted, won, refused or dropped: irreversible (the page asks to confirm). Each
    partner place's track follows."""
    _require_lead(answer, by)
    if status not in STATUS_CHANGES.get(answer.status, set()):
        raise Conflict(
            _("Une réponse « %(from)s » ne peut pas passer à « %(to)s ».")
            % {
                "from": answer.get_status_display(),
                "to": Answer.Status(status).label if status in Answer.Status.values else status,
            },
            field="status",
        )
    if (
        status == Answer.Status.SUBMITTED
        and answer.partners.filter(status=Partner.Status.INVITED).exists()
    ):
        raise Conflict(
            _("Des partenaires n'ont pas encore répondu à l'invitation."), field="status"
        )
    if status == Answer.Status.WON:
        if amount_won_cents is None:
            raise InvalidCall(_("Indiquez le montant obtenu."), field="amount_won_cents")
        ceiling = answer.call.amount_max_cents
        if ceiling is not None and amount_won_cents > ceiling:
            raise InvalidCall(
                _("Le montant obtenu dépasse le plafond de l'appel."), field="amount_won_cents"
            )
    now = timezone.now()
    with transaction.atomic():
        answer.status = status
        if status == Answer.Status.SUBMITTED:
            answer.submitted_at = now
        elif status in (Answer.Status.WON, Answer.Status.REFUSED):
            answer.decided_at = now
        if status == Answer.Status.WON:
            answer.amount_won_cents = amount_won_cents
        answer.save()
        step = TRACK_OF.get(status)
        if step:
            for partner in answer.partners.filter(
                status=Partner.Status.ACCEPTED, place__isnull=False
            ).select_related("place"):
                track, _created = Track.objects.get_or_create(
                    place=partner.place, call=answer.call, defaults={"step": step}
                )
                track.step = step
                track.history = [*track.history, [step, timezone.localdate().isoformat()]]
                if status == Answer.Status.WON:
                    track.amount_won_cents = partner.budget_cents or None
                track.save()
    return answer


# --- The money won, recorded in a circle's budget ---------------------------------------------


def check_won_envelope(
    *, answer: Answer, by: User, circle_pk: int, amount_cents: int, funder_kind: str
) -> Any:
    """The rules of recording the money won, checked before asking to confirm; return the
    circle. Raise NotAllowed, Conflict or InvalidCall."""
    _require_lead(answer, by)
    if answer.status != Answer.Status.WON:
        raise Conflict(_("Seule une réponse retenue apporte de l'argent à enregistrer."))
    circle = next((c for c in selectors.network_circles(answer=answer) if c.pk == circle_pk), None)
    if circle is None:
        raise InvalidCall(_("Choisissez un cercle du réseau de la réponse."), field="circle")
    if not selectors.may_see_circle_budget(user=by, circle=circle):
        raise NotAllowed(
            _(
                "Vous ne voyez pas le budget de ce cercle : choisissez un cercle dont vous êtes "
                "membre, ou demandez à la coordination du réseau d'enregistrer cette somme."
            ),
            field="circle",
        )
    if funder_kind not in selectors.funder_kinds():
        raise InvalidCall(_("Choisissez le type de financeur."), field="funder_kind")
    won = answer.amount_won_cents or 0
    if amount_cents <= 0:
        raise InvalidCall(_("Le montant doit être positif."), field="amount_cents")
    if amount_cents > won:
        from maillage.lib.money import format_cents

        raise InvalidCall(
            _("Le montant dépasse la somme obtenue (%(won)s).") % {"won": format_cents(won)},
            field="amount_cents",
        )
    return circle


def record_won_envelope(
    *,
    answer: Answer,
    by: User,
    circle_pk: int,
    amount_cents: int,
    funder_kind: str,
    year: int | None = None,
    note: str = "",
) -> Answer:
    """Record the money won as an envelope of one of the network's circles: the call's funder
    → the circle's account in the ledger. At most the amount won; once (unless the envelope was
    cancelled in the circle's budget). Cannot be undone here (the page asks to confirm)."""
    from maillage.circles.budget_services.envelopes import record_envelope
    from maillage.circles.budget_services.errors import BudgetError

    circle = check_won_envelope(
        answer=answer,
        by=by,
        circle_pk=circle_pk,
        amount_cents=amount_cents,
        funder_kind=funder_kind,
    )
    with transaction.atomic():
        locked = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("envelope")
            .get(pk=answer.pk)
        )
        if locked.envelope is not None and locked.envelope.cancelled_at is None:
            raise Conflict(
                _("La somme obtenue est déjà enregistrée dans le budget d'un cercle."),
                field="circle",
            )
        try:
            envelope = record_envelope(
                circle=circle,
                year=year or (answer.decided_at or timezone.now()).astimezone(PARIS).year,
                funder_kind=funder_kind,
                funder=answer.call.funder,
                amount_cents=amount_cents,
                note=(note.strip() or _("Réponse retenue : %(t)s") % {"t": answer.title})[:500],
                by=by,
            )
        except BudgetError as refusal:
            raise InvalidCall(refusal.message, field=refusal.field) from None
        locked.envelope = envelope
        locked.save(update_fields=["envelope"])
    answer.envelope = envelope
    return answer
