"""Every write to a person's profile and skills."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Skill, User, Visibility
from maillage.lib.refusals import Refusal
from maillage.lib.validators import validate_phone
from maillage.territory.models import Commune


class AccountsError(Refusal):
    """A refused write; `message` is a French sentence for the person, `field` where it belongs."""


class DuplicateSkillError(AccountsError):
    field = "name"


class InvalidSkillError(AccountsError):
    pass


class InvalidProfileError(AccountsError):
    pass


def _clean_skill(*, name: str, description: str, visibility: str) -> tuple[str, str, str]:
    name = " ".join(name.split())
    if not name:
        raise InvalidSkillError(_("Donnez un nom à cette compétence."), field="name")
    if len(name) > Skill._meta.get_field("name").max_length:
        raise InvalidSkillError(_("Ce nom de compétence est trop long."), field="name")
    description = description.strip()
    if len(description) > Skill._meta.get_field("description").max_length:
        raise InvalidSkillError(_("Cette précision est trop longue."), field="description")
    if visibility not in Visibility.values:
        raise InvalidSkillError(_("Choisissez qui peut voir cette compétence."), field="visibility")
    return name, description, visibility


def _ensure_unique_name(*, user: User, name: str, exclude_pk: int | None = None) -> None:
    others = Skill.objects.filter(user=user, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DuplicateSkillError(
            _("Vous avez déjà une compétence « %(name)s ».") % {"name": name}, field="name"
        )


def add_skill(*, user: User, name: str, description: str = "", visibility: str) -> Skill:
    """Add a skill to a person; raise InvalidSkillError or DuplicateSkillError (same name, any case)."""
    name, description, visibility = _clean_skill(
        name=name, description=description, visibility=visibility
    )
    try:
        with transaction.atomic():
            _ensure_unique_name(user=user, name=name)
            return Skill.objects.create(
                user=user, name=name, description=description, visibility=visibility
            )
    except IntegrityError as exc:
        # Two submissions of the same form at once: the unique constraint catches the second.
        raise DuplicateSkillError(
            _("Vous avez déjà une compétence « %(name)s ».") % {"name": name}, field="name"
        ) from exc


def update_skill(*, skill: Skill, name: str, description: str = "", visibility: str) -> Skill:
    """Change a skill's name, précision or visibility; raise InvalidSkillError or DuplicateSkillError."""
    name, description, visibility = _clean_skill(
        name=name, description=description, visibility=visibility
    )
    try:
        with transaction.atomic():
            _ensure_unique_name(user=skill.user, name=name, exclude_pk=skill.pk)
            skill.name = name
            skill.description = description
            skill.visibility = visibility
            skill.save(update_fields=["name", "description", "visibility"])
    except IntegrityError as exc:
        raise DuplicateSkillError(
            _("Vous avez déjà une compétence « %(name)s ».") % {"name": name}, field="name"
        ) from exc
    return skill


def delete_skill(*, skill: Skill) -> None:
    """Remove a skill for good."""
    with transaction.atomic():
        skill.delete()


def update_profile(
    *,
    user: User,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    bio: str = "",
    phone: str = "",
    commune: Commune | None = None,
) -> User:
    """Save what a person says about themself; raise InvalidProfileError without saving anything."""
    display_name = " ".join(display_name.split())
    if not display_name:
        raise InvalidProfileError(
            _("Indiquez le nom que verront les autres membres."), field="display_name"
        )
    phone = phone.strip()
    try:
        validate_phone(phone)
    except ValidationError as exc:
        raise InvalidProfileError(exc.messages[0], field="phone") from exc
    values = {
        "display_name": display_name,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "bio": bio.strip(),
        "phone": phone,
    }
    for field, value in values.items():
        max_length = User._meta.get_field(field).max_length
        if max_length is not None and len(value) > max_length:
            raise InvalidProfileError(
                _("Ce texte est trop long (%(max)s caractères au plus).") % {"max": max_length},
                field=field,
            )
    with transaction.atomic():
        for field, value in values.items():
            setattr(user, field, value)
        user.commune = commune
        user.save(update_fields=[*values, "commune"])
    return user
