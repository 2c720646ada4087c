"""Forms of the networks app: they shape input, the services decide."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.networks.models import Network, NetworkRole
from maillage.places.models import Place


class NetworkForm(forms.ModelForm):
    def clean_transparency_people(self) -> str:
        return self.cleaned_data.get("transparency_people") or self.instance.transparency_people

    class Meta:
        model = Network
        fields = [
            "name",
            "level",
            "parent",
            "summary",
            "description",
            "charter",
            "email",
            "phone",
            "website",
            "transparency_people",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "charter": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "parent": _(
                "Facultatif. Vous pouvez rattacher ce réseau à un réseau que vous coordonnez."
            ),
        }

    def __init__(self, *args: object, parents: QuerySet[Network], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A form posted without the choice (an older page, a script) keeps what is set.
        self.fields["transparency_people"].required = False
        if self.instance.pk and self.instance.parent_id:
            # Keep the current parent selectable even when this person does not coordinate it.
            parents = parents | Network.objects.filter(pk=self.instance.parent_id)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.distinct().order_by("name")
        self.fields["parent"].empty_label = _("Aucun (réseau autonome)")


class TerritoryForm(forms.Form):
    codes = forms.CharField(
        label=_("Codes du territoire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "Collez des codes séparés par des virgules, des espaces ou des retours à la ligne : "
            "codes INSEE de communes (59178), codes de départements (59, 62, 2A) ou numéros "
            "SIREN d'EPCI (9 chiffres). Le territoire est remplacé par l'ensemble des communes "
            "désignées ; laissez vide pour le vider."
        ),
    )


class RoleForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"),
        help_text=_("La personne doit déjà avoir un compte."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=NetworkRole.Role.choices)


class ApplyForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Lieu qui adhère"), queryset=Place.objects.none())
    accept_charter = forms.BooleanField(label=_("J'accepte la charte"), required=False)
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que votre lieu souhaite apporter au réseau et en attend."),
    )

    def __init__(self, *args: object, places: QuerySet[Place], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        if len(places) == 1:
            self.fields["place"].initial = places[0].pk


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus ou une suspension ; le lieu le verra."),
    )
