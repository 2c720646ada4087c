"""What opportunities hold about a person, for their download and their account's deletion:
their alerts, the calls they follow, their calendar address, the answers they take part in."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.opportunities.models import CalendarToken, Follow, Partner, SavedSearch


def _alerts(user: User) -> Rows:
    return [
        {
            "nom": a.name,
            "natures": ", ".join(a.kinds),
            "thematiques": ", ".join(a.themes),
            "departements": ", ".join(a.department_codes),
            "regions": ", ".join(a.region_codes),
            "montant_minimum_centimes": a.amount_min_cents,
            "courriel": a.frequency,
            "creee_le": a.created_at,
        }
        for a in SavedSearch.objects.filter(user=user)
    ]


def _follows(user: User) -> Rows:
    return [
        {"appel": f.call.title, "date_limite": f.call.deadline, "depuis": f.created_at}
        for f in Follow.objects.filter(user=user).select_related("call")
    ]


def _partnerships(user: User) -> Rows:
    return [
        {
            "reponse": p.answer.title,
            "appel": p.answer.call.title,
            "role": p.role,
            "invitation": p.status,
            "part_du_budget_centimes": p.budget_cents,
            "invite_le": p.created_at,
        }
        for p in Partner.objects.filter(user=user).select_related("answer", "answer__call")
    ]


def _erase_alerts(user: User) -> None:
    # Nothing to send to an account that is gone, and no secret calendar address to keep.
    SavedSearch.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    CalendarToken.objects.filter(user=user).delete()


def _erase_partnerships(user: User) -> None:
    # An answer already built keeps its partner (as "compte supprimé"); an invitation still
    # waiting is declined, so that the lead can submit.
    Partner.objects.filter(user=user, status=Partner.Status.INVITED).update(
        status=Partner.Status.DECLINED, answered_at=timezone.now()
    )


def register_sections() -> None:
    register(
        Section(
            "appels_alertes",
            _("Appels : alertes et adresse de calendrier"),
            export=_alerts,
            erase=_erase_alerts,
        )
    )
    register(Section("appels_suivis", _("Appels : appels suivis"), export=_follows))
    register(
        Section(
            "appels_reponses",
            _("Appels : réponses en groupement"),
            export=_partnerships,
            erase=_erase_partnerships,
        )
    )
