"""Forms of governance pages: they clean input; the services decide."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.governance.models import (
    Activity,
    FeeBasis,
    GovernanceDecision,
    PaymentMethod,
    Proposal,
    ThresholdKind,
    YearKind,
)
from maillage.lib.forms import EurosField

MAX_CENTS = 100_000_000


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    basis = forms.ChoiceField(
        label=_("Calcul de la cotisation des lieux"), choices=FeeBasis.choices
    )
    brackets = forms.CharField(
        label=_("Barème"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Une ligne par montant. Selon le type de lieu : « fablab: 120 », « *: 50 » pour les "
            "autres. Par tranches (personnes salariées, ou budget en euros) : « 0-50000: 30 », "
            "« 50000+: 90 ». Montants en euros."
        ),
    )
    year_kind = forms.ChoiceField(label=_("Année d'adhésion"), choices=YearKind.choices)
    free_minimum_cents = EurosField(
        label=_("Prix libre : minimum"), required=False, max_cents=MAX_CENTS
    )
    free_suggested_cents = EurosField(
        label=_("Prix libre : montant suggéré"), required=False, max_cents=MAX_CENTS
    )
    individual_cents = EurosField(
        label=_("Adhésion individuelle"),
        required=False,
        max_cents=MAX_CENTS,
        help_text=_("0 : pas d'adhésion individuelle."),
    )
    due_days = forms.IntegerField(
        label=_("Délai de paiement (jours)"), min_value=1, max_value=365, initial=30
    )
    grace_days = forms.IntegerField(
        label=_("Délai de grâce après l'échéance (jours)"), min_value=0, max_value=365, initial=60
    )
    tax_receipts = forms.BooleanField(
        label=_("Le réseau est d'intérêt général : reçus fiscaux pour les dons"), required=False
    )
    legal_name = forms.CharField(label=_("Nom de l'organisme"), required=False, max_length=200)
    legal_address = forms.CharField(
        label=_("Adresse de l'organisme"), required=False, max_length=250
    )
    legal_object = forms.CharField(label=_("Objet"), required=False, max_length=300)
    legal_status = forms.CharField(
        label=_("Qualité de l'organisme (reçu fiscal)"), required=False, max_length=200
    )


class PaymentForm(forms.Form):
    amount_cents = EurosField(label=_("Montant reçu"), min_cents=1, max_cents=MAX_CENTS)
    method = forms.ChoiceField(label=_("Moyen de paiement"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Référence"),
        required=False,
        max_length=120,
        help_text=_("N° de chèque, libellé du virement, référence du paiement en ligne."),
    )
    paid_on = forms.DateField(label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"}))
    payer_name = forms.CharField(label=_("Payé par"), required=False, max_length=200)
    payer_address = forms.CharField(
        label=_("Adresse du payeur (reçu fiscal)"), required=False, max_length=300
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount_cents"].error_messages["required"] = _("Indiquez le montant reçu.")


class DeclareForm(forms.Form):
    declared_value = forms.IntegerField(
        label=_("Valeur déclarée"), required=False, min_value=0, max_value=10**12
    )
    chosen_cents = EurosField(
        label=_("Montant choisi (prix libre)"),
        required=False,
        empty_cents=None,
        max_cents=MAX_CENTS,
    )


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du remboursement"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Export CSV de HelloAsso"), required=False)
    text = forms.CharField(required=False, widget=forms.HiddenInput)


class EntryForm(forms.Form):
    network = forms.ChoiceField(label=_("Réseau"))
    activity = forms.ChoiceField(label=_("Activité"), choices=Activity.choices)
    label = forms.CharField(
        label=_("Pour"),
        max_length=200,
        help_text=_("Le cercle, l'événement, le commun, le lieu aidé…"),
    )
    day = forms.DateField(label=_("Jour"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("Heures"), min_value=0, max_digits=4, decimal_places=2,
        help_text=_("Par exemple 2,5 pour deux heures et demie."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Ce qui a été fait"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, networks: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [(n.slug, n.name) for n in networks]  # type: ignore[attr-defined]
        self.fields["day"].initial = timezone.localdate()
        self.fields["hours"].localize = True


class RateForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    hourly_cents = EurosField(
        label=_("Valeur d'une heure de bénévolat"), min_cents=1, max_cents=100_000
    )
    basis = forms.CharField(label=_("Fondement"), required=False, max_length=250)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=Proposal.Kind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 8}))
    charter_text = forms.CharField(
        label=_("Nouveau texte de la charte"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Pour une modification de la charte seulement : le texte complet, tel qu'il "
            "entrera en vigueur une fois adopté."
        ),
    )
    place = forms.ChoiceField(label=_("Au nom de"), required=False)

    def __init__(self, *args: Any, places: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("Moi-même"))] + [  # type: ignore[attr-defined]
            (str(p.pk), p.name) for p in places
        ]


class SpaceForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    circle = forms.ChoiceField(label=_("Cercle"), required=False)
    description = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    threshold_kind = forms.ChoiceField(label=_("Seuil"), choices=ThresholdKind.choices)
    threshold_value = forms.IntegerField(label=_("Valeur du seuil"), min_value=0, max_value=10000)

    def __init__(self, *args: Any, circles: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["circle"].choices = [("", _("Tout le réseau"))] + [  # type: ignore[attr-defined]
            (c.slug, c.name) for c in circles
        ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    amendment = forms.BooleanField(label=_("C'est un amendement au texte"), required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=300)


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Mode de décision"), choices=GovernanceDecision.Method.choices
    )
    outcome = forms.ChoiceField(label=_("Issue"), choices=GovernanceDecision.Outcome.choices)
    present_places = forms.IntegerField(label=_("Lieux présents ou représentés"), min_value=0)
    votes_for = forms.IntegerField(label=_("Pour"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Contre"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    answer = forms.CharField(
        label=_("Réponse publiée"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reasons = forms.CharField(
        label=_("Motifs (obligatoires pour un rejet)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 6}))


class StepForm(forms.Form):
    day = forms.DateField(label=_("Le"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Démarche"), max_length=300)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Le"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean_starts_at(self) -> datetime.datetime:
        return self.cleaned_data["starts_at"]


class ElectionForm(forms.Form):
    mandate = forms.CharField(
        label=_("Mandat"),
        max_length=200,
        help_text=_("Ex. : délégué·e du réseau auprès de la Région."),
    )
    description = forms.CharField(
        label=_("Ce que le mandat engage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seats = forms.IntegerField(label=_("Sièges"), min_value=1, max_value=50, initial=1)
    term_months = forms.IntegerField(
        label=_("Durée du mandat (mois)"), min_value=1, max_value=72, initial=24
    )


class CandidacyForm(forms.Form):
    statement = forms.CharField(
        label=_("Profession de foi"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=_("Ce que vous porterez au nom du réseau, et comment vous en rendrez compte."),
    )


class BallotForm(forms.Form):
    """One place's ballot; prefixed by the place so that several places' forms share a page."""

    choices = forms.MultipleChoiceField(
        label=_("Vos choix"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, candidacies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), c.person.public_name) for c in candidacies
        ]
