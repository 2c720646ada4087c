from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.commons import licences
from maillage.commons.models import Action, Commons, Contribution, Domain, Link
from maillage.places.models import Place

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommonsForm(forms.ModelForm):
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=[("", _("Choisissez une licence")), *licences.CHOICES],
        help_text=_(
            "Sa licence dit ce que chacun·e peut en faire ; l'identifiant SPDX suit le nom."
        ),
    )
    actions = forms.MultipleChoiceField(
        label=_("Ce qu'il aide à faire"),
        choices=Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    domains = forms.MultipleChoiceField(
        label=_("Domaines"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commons
        fields = [
            "name",
            "summary",
            "nature",
            "licence",
            "actions",
            "domains",
            "description",
            "how_to_start",
            "website",
            "network",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "how_to_start": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, networks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["network"]
        field.queryset = networks  # type: ignore[attr-defined]
        # Chosen, never preselected: a guide of two networks says which one lists it.
        field.empty_label = _("Choisissez le réseau")  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Link.Kind.choices)
    url = forms.URLField(label=_("Adresse"), assume_scheme="https")
    label = forms.CharField(label=_("Libellé"), max_length=150, required=False)


class UsageForm(forms.Form):
    place: forms.ModelChoiceField[Place] = forms.ModelChoiceField(
        label=_("Lieu"), queryset=Place.objects.none(), empty_label=_("Choisissez le lieu")
    )
    since = forms.DateField(label=_("Depuis"), required=False, widget=DATE)
    testimonial = forms.CharField(
        label=_("Témoignage"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que le commun a changé, ce qui a été difficile : cela aide les suivants."),
    )

    def __init__(self, *args: Any, places: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(pk__in=[p.pk for p in places])  # type: ignore[attr-defined]


class HelpForm(forms.Form):
    helps_with = forms.CharField(
        label=_("En quoi pouvez-vous aider ?"),
        max_length=300,
        help_text=_(
            "Par exemple : « installer l'outil », « former une équipe », « partager nos modèles ». "
            "Votre nom apparaîtra sur la page du commun comme personne à appeler ; vous pouvez "
            "vous retirer à tout moment."
        ),
    )


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=Contribution.Kind.choices)
    summary = forms.CharField(label=_("Ce qui a été fait"), max_length=300)
    happened_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    place: forms.ModelChoiceField[Place] = forms.ModelChoiceField(
        label=_("Au nom du lieu"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("À titre personnel"),
    )

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
