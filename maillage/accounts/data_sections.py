"""What accounts holds about a person, for their download (see personal_data.py)."""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import ApiToken, Skill, User
from maillage.accounts.personal_data import Rows, Section, register


def _profile(user: User) -> Rows:
    from allauth.account.models import EmailAddress

    return [
        {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "bio": user.bio,
            "phone": user.phone,
            "commune": user.commune.name if user.commune else "",
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "verified_addresses": list(
                EmailAddress.objects.filter(user=user, verified=True).values_list(
                    "email", flat=True
                )
            ),
        }
    ]


def _skills(user: User) -> Rows:
    return list(Skill.objects.filter(user=user).values("name", "description", "visibility"))


def _tokens(user: User) -> Rows:
    # Metadata only: the secret was shown once and only its hash is kept.
    return list(
        ApiToken.objects.filter(user=user).values(
            "name", "prefix", "created_at", "last_used_at", "revoked_at"
        )
    )


def register_sections() -> None:
    register(Section("profil", _("Profil"), export=_profile))
    register(Section("competences", _("Compétences"), export=_skills))
    register(Section("jetons_api", _("Jetons d'API (sans leur secret)"), export=_tokens))
