"""Forms of the circles area (directory, people, programme): they shape input, services decide."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.circles.models import Action, CircleRole, CircleStatus, Transparency
from maillage.circles.services import (
    ActionData,
    CircleData,
    allowed_action_statuses,
    parse_commune_codes,
)
from maillage.lib.money import format_cents, parse_euros
from maillage.networks.models import Network
from maillage.places.models import Place


class CircleForm(forms.Form):
    name = forms.CharField(label=_("Nom du cercle"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifiant d'adresse"),
        max_length=220,
        required=False,
        help_text=_(
            "Facultatif : calculé à partir du nom s'il est vide (lettres, chiffres, tirets)."
        ),
    )
    network = forms.ModelChoiceField(label=_("Réseau"), queryset=Network.objects.none())
    status = forms.ChoiceField(label=_("Statut"), choices=CircleStatus.choices)
    status_note = forms.CharField(
        label=_("Motif du changement de statut"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Gardé dans l'historique du cercle."),
    )
    summary = forms.CharField(label=_("En une phrase"), max_length=280, required=False)
    description = forms.CharField(
        label=_("Présentation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown accepté."),
    )
    commune_codes = forms.CharField(
        label=_("Périmètre : communes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "Codes INSEE (59178) ou codes postaux (59500) séparés par des virgules, des espaces "
            "ou des retours à la ligne. Un code postal désigne toutes ses communes."
        ),
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Lieux membres"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parmi les lieux dont l'adhésion au réseau est acceptée."),
    )
    contact_email = forms.EmailField(label=_("E-mail de contact"), required=False)
    contact_phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    quorum_minimum = forms.IntegerField(
        label=_("Quorum : présent·es au minimum"), min_value=1, max_value=500, initial=3
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum : part des membres présent·es (%)"), min_value=0, max_value=100, initial=0
    )
    receipts_required = forms.BooleanField(
        label=_("Justificatif obligatoire pour les dépenses"), required=False, initial=True
    )
    transparency = forms.ChoiceField(label=_("Page de transparence"), choices=Transparency.choices)

    def __init__(
        self,
        *args: object,
        networks: QuerySet[Network],
        places: QuerySet[Place],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks.order_by("name")
        self.fields["places"].queryset = places.order_by("name")
        if len(self.fields["network"].queryset) == 1:
            self.fields["network"].initial = self.fields["network"].queryset[0].pk

    def to_data(self) -> CircleData:
        data = self.cleaned_data
        return CircleData(
            network=data["network"],
            name=data["name"],
            slug=data["slug"],
            status=data["status"],
            status_note=data["status_note"],
            summary=data["summary"],
            description=data["description"],
            commune_codes=parse_commune_codes(data["commune_codes"]),
            place_ids=[place.pk for place in data["places"]],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            quorum_minimum=data["quorum_minimum"],
            quorum_percent=data["quorum_percent"],
            receipts_required=data["receipts_required"],
            transparency=data["transparency"],
        )


class RoleRequestForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle demandé"), choices=CircleRole.choices)
    starts_on = forms.DateField(
        label=_("À partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que vous souhaitez porter : la réunion de régulation en tiendra compte."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Gardé dans l'historique des rôles."),
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown accepté."),
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("Porteur·ses"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parmi les membres du cercle."),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=Action.Status.choices)
    expected_cost = forms.CharField(
        label=_("Coût prévu (€)"),
        required=False,
        help_text=_("En euros, par exemple 1 200 ou 350,50."),
    )
    outcomes = forms.CharField(
        label=_("Résultats"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown accepté."),
    )

    def __init__(
        self,
        *args: object,
        members: QuerySet[User],
        current_status: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = members
        self.fields["owners"].label_from_instance = lambda user: user.display_name or user.email
        if current_status is None:
            choices = [Action.Status.PROPOSED, Action.Status.ADOPTED]
        else:
            choices = allowed_action_statuses(current_status)
        self.fields["status"].choices = [(c, Action.Status(c).label) for c in choices]

    @staticmethod
    def initial_for(action: Action) -> dict[str, object]:
        return {
            "title": action.title,
            "description": action.description,
            "owners": list(action.owners.all()),
            "status": action.status,
            "expected_cost": format_cents(action.expected_cost_cents).replace("\u00a0€", "")
            if action.expected_cost_cents
            else "",
            "outcomes": action.outcomes,
        }

    def clean_expected_cost(self) -> int:
        text = (self.cleaned_data.get("expected_cost") or "").strip()
        if not text:
            return 0
        try:
            cents = parse_euros(text)
        except ValueError:
            raise forms.ValidationError(
                _("« %(value)s » n'est pas un montant en euros (exemple : 1 200,50)."),
                params={"value": text},
            ) from None
        if cents < 0:
            raise forms.ValidationError(_("Le coût prévu ne peut pas être négatif."))
        return cents

    def to_data(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(
            title=data["title"],
            description=data["description"],
            owner_ids=[user.pk for user in data["owners"]],
            status=data["status"],
            expected_cost_cents=data["expected_cost"],
            outcomes=data["outcomes"],
        )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Compte rendu"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce qui a été fait, ce qui reste, ce que vous avez appris. Markdown accepté."),
    )
