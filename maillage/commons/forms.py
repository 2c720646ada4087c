from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.commons import licences
from maillage.commons.models import (
    Action,
    Commons,
    Contact,
    Contribution,
    Domain,
    Link,
    Maturity,
    Nature,
    Question,
    Usage,
)
from maillage.networks.models import Network
from maillage.places.models import Place
from maillage.territory.models import Commune
from maillage.territory.selectors import search_communes

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


class RequestForm(forms.Form):
    need = forms.CharField(
        label=_("Votre besoin, avec vos mots"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que vous cherchez à faire, ce qui coince, ce que vous avez déjà essayé."),
    )
    commune = forms.CharField(
        label=_("Votre commune (nom ou code postal)"),
        max_length=100,
        help_text=_("Pour trouver le réseau le plus proche et des lieux voisins."),
    )
    maturity = forms.ChoiceField(
        label=_("Où en êtes-vous ?"), choices=Maturity.choices, widget=forms.RadioSelect
    )
    action = forms.ChoiceField(
        label=_("Il s'agit surtout de…"), choices=[("", _("Je ne sais pas")), *Action.choices],
        required=False,
    )  # fmt: skip
    domain = forms.ChoiceField(
        label=_("Domaine"), choices=[("", _("Je ne sais pas")), *Domain.choices], required=False
    )
    team_skills = forms.CharField(
        label=_("Les compétences de votre équipe"), max_length=500, required=False
    )
    time_available = forms.CharField(
        label=_("Le temps que vous pouvez y consacrer"), max_length=200, required=False
    )
    budget = forms.CharField(label=_("Le budget possible"), max_length=200, required=False)
    name = forms.CharField(label=_("Votre nom"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Un lien de confirmation vous y sera envoyé, puis la réponse."),
    )

    def __init__(self, *args: Any, anonymous: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not anonymous:
            del self.fields["name"]
            del self.fields["email"]

    def clean_commune(self) -> Commune:
        text = self.cleaned_data["commune"]
        found = search_communes(query=text, limit=1)
        if not found:
            raise forms.ValidationError(
                _("Commune introuvable : écrivez son nom ou son code postal.")
            )
        return found[0]


class AnswerForm(forms.Form):
    commons = forms.TypedMultipleChoiceField(
        label=_("Communs"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    contacts = forms.TypedMultipleChoiceField(
        label=_("Personnes à appeler"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    places = forms.TypedMultipleChoiceField(
        label=_("Lieux qui l'utilisent"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.TypedMultipleChoiceField(
        label=_("Personnes de l'annuaire des compétences"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Des compétences que la personne a rendues visibles ; elle accepte ou non la mise "
            "en relation."
        ),
    )
    message = forms.CharField(
        label=_("Votre message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self,
        *args: Any,
        ranked: list,
        all_commons: list,
        people: list | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people = people or []
        ranked_ids = [r.commons.pk for r in ranked]
        others = [c for c in all_commons if c.pk not in ranked_ids]
        self.fields["commons"].choices = [  # type: ignore[attr-defined]
            (r.commons.pk, r.commons.name) for r in ranked
        ] + [(c.pk, c.name) for c in others]
        self.fields["contacts"].choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.user.public_name} — {r.commons.name} : {c.helps_with}")
            for r in ranked
            for c in r.contacts
        ]
        places: dict[int, str] = {}
        for r in ranked:
            for p, km in r.places_near:
                places.setdefault(p.pk, f"{p.name} — {r.commons.name}, {km:.0f} km")
        self.fields["places"].choices = list(places.items())  # type: ignore[attr-defined]
        # One choice per person, by their best matching skill.
        self.fields["people"].choices = [  # type: ignore[attr-defined]
            (
                match.skills[0].pk,
                f"{match.person.public_name} — "
                + " ; ".join(
                    " : ".join(part for part in (k.name, k.description) if part)
                    for k in match.skills[:3]
                ),
            )
            for match in people
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in ("commons", "contacts", "places", "people")):
            # Said before the confirmation step, not after it.
            self.add_error(
                None, _("Choisissez au moins un commun, une personne ou un lieu à proposer.")
            )
        return cleaned


class GridForm(forms.Form):
    network = forms.ModelChoiceField(
        label=_("Réseau"), queryset=Network.objects.none(), empty_label=_("Choisissez le réseau")
    )
    nature = forms.ChoiceField(label=_("Nature de commun"), choices=Nature.choices)
    criteria = forms.CharField(
        label=_("Critères"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "Un critère par ligne : « Temps d'appropriation : moins d'un jour | une semaine | un "
            "mois | plus ». Les niveaux vont du plus facile au plus exigeant."
        ),
    )

    def __init__(self, *args: Any, networks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]


class QualifyForm(forms.Form):
    note = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, criteria: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                coerce=int,
                choices=list(enumerate(criterion.levels)),
                widget=forms.RadioSelect,
            )
        self.order_fields([*(f"criterion_{c.pk}" for c in criteria), "note"])

    def answers(self) -> dict[int, int]:
        return {
            int(name.removeprefix("criterion_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("criterion_")
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["network", "domain", "question", "answer", "commons", "contacts", "places"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 6}),
            "commons": forms.CheckboxSelectMultiple,
            "contacts": forms.CheckboxSelectMultiple,
            "places": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, networks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]
        self.fields["network"].empty_label = _("Choisissez le réseau")  # type: ignore[attr-defined]
        self.fields["commons"].queryset = Commons.objects.filter(is_published=True)  # type: ignore[attr-defined]
        self.fields["contacts"].queryset = Contact.objects.select_related("user", "commons")  # type: ignore[attr-defined]
        self.fields["contacts"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.user.public_name} — {c.commons.name}"
        )
        # The places worth pointing to are those that use a commons.
        self.fields["places"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            pk__in=Usage.objects.values("place_id"), is_published=True
        )


class NeedForm(forms.Form):
    network: forms.ModelChoiceField[Network] = forms.ModelChoiceField(
        label=_("Réseau"),
        queryset=Network.objects.none(),
        empty_label=None,
        help_text=_("Le réseau dont le prochain appel à communs doit l'entendre."),
    )
    title = forms.CharField(
        label=_("Le besoin, en une phrase"),
        max_length=200,
        help_text=_("Par exemple : « suivre les adhésions et les cotisations sans tableur »."),
    )
    details = forms.CharField(
        label=_("Précisions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que vous avez essayé, ce qui manque, qui en bénéficierait."),
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *Action.choices]
    )
    domain = forms.ChoiceField(
        label=_("Domaine"), required=False, choices=[("", "—"), *Domain.choices]
    )

    def __init__(self, *args: Any, networks: list[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.filter(  # type: ignore[attr-defined]
            pk__in=[n.pk for n in networks]
        ).order_by("name")
