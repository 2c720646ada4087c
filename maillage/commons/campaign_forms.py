"""Forms of the co-funding campaigns; the rules live in campaigns.py."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.commons.models import Campaign, Commons, Pledge, Receipt
from maillage.lib.forms import EurosField
from maillage.networks.models import Network
from maillage.places.models import Place

MAX_CENTS = 100_000_000


class CampaignForm(forms.Form):
    network = forms.ModelChoiceField(
        queryset=Network.objects.none(), label=_("Réseau qui la porte")
    )
    commons = forms.ModelChoiceField(
        queryset=Commons.objects.none(),
        required=False,
        label=_("Commun"),
        empty_label=_("Aucun : c'est un appel à communs"),
    )
    title = forms.CharField(label=_("Titre"), max_length=150)
    description = forms.CharField(
        label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    pays_for = forms.CharField(
        label=_("Ce que l'argent paie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Rétribution des contributeurs, budgets d'amorçage d'environ 2 000 €…"),
    )
    kind = forms.ChoiceField(
        label=_("Règle"), choices=Campaign.Kind.choices, widget=forms.RadioSelect
    )
    min_goal = EurosField(label=_("Objectif minimum"), min_cents=1, max_cents=MAX_CENTS)
    goal = EurosField(label=_("Objectif"), min_cents=1, max_cents=MAX_CENTS)
    max_goal = EurosField(
        label=_("Plafond"),
        min_cents=1,
        max_cents=MAX_CENTS,
        help_text=_("Les promesses s'arrêtent au plafond."),
    )
    secured = EurosField(
        label=_("Déjà acquis (montré à part)"), required=False, max_cents=MAX_CENTS
    )
    secured_note = forms.CharField(label=_("D'où vient-il ?"), max_length=250, required=False)
    deadline = forms.DateTimeField(
        label=_("Date limite (heure de Paris)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    match_funder = forms.CharField(
        label=_("Abondement : qui double les promesses"), max_length=150, required=False
    )
    match_cap = EurosField(label=_("Abondement : plafond"), required=False, max_cents=MAX_CENTS)
    hour_rate = EurosField(
        label=_("Valeur d'une heure donnée"), initial=2000, max_cents=100_000, required=False
    )

    def __init__(self, *args: Any, networks: Any, commons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]
        self.fields["commons"].queryset = commons  # type: ignore[attr-defined]


class PledgeForm(forms.Form):
    by_kind = forms.ChoiceField(label=_("Au nom de"), choices=(), widget=forms.RadioSelect)
    place = forms.ModelChoiceField(queryset=Place.objects.none(), required=False, label=_("Lieu"))
    network = forms.ModelChoiceField(
        queryset=Network.objects.none(), required=False, label=_("Réseau")
    )
    funder_name = forms.CharField(label=_("Financeur"), max_length=150, required=False)
    amount = EurosField(label=_("Montant promis"), required=False, max_cents=MAX_CENTS)
    hours = forms.IntegerField(
        label=_("Heures données"),
        required=False,
        min_value=0,
        max_value=10_000,
        help_text=_("Du temps plutôt que de l'argent : montré, valorisé, jamais encaissé."),
    )
    anonymous = forms.BooleanField(
        label=_("Ne pas afficher mon nom (ou celui de mon lieu)"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(
        self, *args: Any, places: Any, networks: Any, may_record_funder: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(Pledge.By.PERSON.value, _("Moi-même"))]
        if places.exists():
            choices.append((Pledge.By.PLACE.value, _("Un lieu que je gère")))
        if networks.exists():
            choices.append((Pledge.By.NETWORK.value, _("Un réseau que je coordonne")))
        if may_record_funder:
            choices.append((Pledge.By.FUNDER.value, _("Un financeur (saisi par la coordination)")))
        self.fields["by_kind"].choices = choices  # type: ignore[attr-defined]
        self.fields["by_kind"].initial = Pledge.By.PERSON.value
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]
        if not places.exists():
            del self.fields["place"]
        if not networks.exists():
            del self.fields["network"]
        if not may_record_funder:
            del self.fields["funder_name"]
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex


class ReceiptForm(forms.Form):
    method = forms.ChoiceField(label=_("Moyen"), choices=Receipt.Method.choices)
    reference = forms.CharField(
        label=_("Référence"),
        max_length=120,
        help_text=_("Le libellé du virement sur le relevé, ou la référence du paiement."),
    )
    received_on = forms.DateField(
        label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PayoutForm(forms.Form):
    description = forms.CharField(label=_("Ce que la dépense paie"), max_length=250)
    amount = EurosField(label=_("Montant"), min_cents=1, max_cents=MAX_CENTS)
    payee_name = forms.CharField(label=_("Bénéficiaire"), max_length=150)
    receipt = forms.FileField(label=_("Justificatif (facture, note)"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Motif du refus"), max_length=300)


class SeedForm(forms.Form):
    challenge = forms.CharField(
        label=_("Le défi"),
        max_length=200,
        help_text=_("Par exemple : « documenter la réservation des machines du fablab »."),
    )
    holder_name = forms.CharField(label=_("Qui porte le défi"), max_length=150)
    amount = EurosField(
        label=_("Budget d'amorçage"), min_cents=1, max_cents=MAX_CENTS, initial=200_000
    )
    circle = forms.TypedChoiceField(
        label=_("Cercle qui gère ce budget"),
        coerce=int,
        help_text=_(
            "Le budget devient une enveloppe du cercle : la personne y propose ses dépenses, "
            "le cercle les accorde et les paie sur justificatif."
        ),
    )

    def __init__(self, *args: Any, circles: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["circle"].choices = [(c.pk, c.name) for c in circles]  # type: ignore[attr-defined]
