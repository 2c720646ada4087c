"""The commons' contribution to the observatory: orientations and their follow-through.

Counts only — never a need's text or a person. Follow-through is what the people oriented
answered at 30 and 90 days ("did it lead to action?"), the measure the field documents ask for.
"""

from django.utils.translation import gettext_lazy as _

from maillage.commons.models import FollowUp, OrientationRequest
from maillage.observatory.registry import Period, Row, Scope, indicator


@indicator(
    key="commons.orientations",
    label=_("Demandes d'aiguillage"),
    description=_("Demandes reçues pendant le mois, et demandes orientées pendant le mois."),
    people=True,
    scopes=("network",),
    history=True,
)
def orientations(scope: Scope, period: Period) -> list[Row]:
    requests = OrientationRequest.objects.filter(network_id=scope.network_id or 0).exclude(
        status=OrientationRequest.Status.UNVERIFIED
    )
    received = requests.filter(
        created_at__gte=period.start_moment, created_at__lt=period.end_moment
    ).count()
    answered = requests.filter(
        answered_at__gte=period.start_moment, answered_at__lt=period.end_moment
    ).count()
    return [(_("Reçues"), received), (_("Orientées"), answered)]


@indicator(
    key="commons.follow_through",
    label=_("Suites données aux orientations"),
    description=_(
        "Réponses aux relances à 30 et 90 jours reçues pendant le mois : la mise en relation "
        "a-t-elle mené à l'action ?"
    ),
    people=True,
    scopes=("network",),
    history=True,
)
def follow_through(scope: Scope, period: Period) -> list[Row]:
    answers = FollowUp.objects.filter(
        request__network_id=scope.network_id or 0,
        answered_at__gte=period.start_moment,
        answered_at__lt=period.end_moment,
    ).exclude(answer="")
    counts = {code: 0 for code in FollowUp.Answer.values}
    for answer in answers.values_list("answer", flat=True):
        counts[answer] = counts.get(answer, 0) + 1
    return [(label, counts[code]) for code, label in FollowUp.Answer.choices]
