"""Forms of the services pages: they check the shape of the input; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.lib.forms import EurosField
from maillage.networks.models import Network
from maillage.places.models import Place
from maillage.services.models import (
    FORMATS,
    Accompanist,
    Answer3,
    DeliveredBy,
    PeerAudience,
    ProjectHolder,
    Satisfaction,
    ServiceAudience,
    ServiceKind,
    SupportRequest,
    Topic,
)

TOPIC_CHOICES = Topic.choices


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=ServiceKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=150)
    summary = forms.CharField(label=_("En une phrase"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    topics = forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("Pour qui"), choices=ServiceAudience.choices)
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    price_member_cents = EurosField(
        label=_("Prix pour les adhérents"), required=False, empty_cents=None
    )
    price_other_cents = EurosField(
        label=_("Prix pour les autres"), required=False, empty_cents=None
    )
    delivered_by = forms.ChoiceField(label=_("Assuré par"), choices=DeliveredBy.choices)
    accompanist = forms.ModelChoiceField(
        label=_("Professionnel·le du cercle"), queryset=Accompanist.objects.none(), required=False
    )
    capacity = forms.IntegerField(
        label=_("Capacité (demandes par an)"), min_value=1, required=False
    )
    how_to_ask = forms.CharField(
        label=_("Comment le demander"), widget=forms.Textarea(attrs={"rows": 2})
    )
    objectives = forms.CharField(
        label=_("Objectifs pédagogiques"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    prerequisites = forms.CharField(label=_("Prérequis"), required=False)
    duration_hours = forms.IntegerField(
        label=_("Durée (heures)"), min_value=1, max_value=2000, required=False
    )
    methods = forms.CharField(
        label=_("Méthodes pédagogiques"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evaluation = forms.CharField(label=_("Modalités d'évaluation"), required=False)
    accessibility = forms.CharField(
        label=_("Accessibilité aux personnes handicapées"), required=False
    )
    certification_number = forms.CharField(
        label=_("Numéro de déclaration d'activité"), max_length=40, required=False
    )

    def __init__(self, *args: Any, network: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if network is not None:
            self.fields["accompanist"].queryset = Accompanist.objects.filter(  # type: ignore[attr-defined]
                network=network, status=Accompanist.Status.ACCEPTED
            )


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)
    online_url = forms.URLField(label=_("Lien de visio (si à distance)"), required=False)


class AccompanistForm(forms.Form):
    name = forms.CharField(label=_("Nom ou structure"), max_length=150)
    kind = forms.ChoiceField(label=_("Vous êtes"), choices=Accompanist.Kind.choices)
    bio = forms.CharField(
        label=_("Présentation"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    specialities = forms.MultipleChoiceField(
        label=_("Spécialités"), choices=TOPIC_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    departments = forms.CharField(
        label=_("Départements où vous intervenez"),
        help_text=_("Codes séparés par des virgules, par exemple : 59, 62, 80."),
        max_length=300,
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"), choices=FORMATS, required=False, widget=forms.CheckboxSelectMultiple
    )
    rates = forms.CharField(label=_("Tarifs"), max_length=300)
    day_rate_cents = EurosField(
        label=_("Tarif journée (indicatif)"), required=False, empty_cents=None
    )
    website = forms.URLField(label=_("Site web"), required=False)
    availability = forms.ChoiceField(
        label=_("Disponibilité"), choices=Accompanist.Availability.choices
    )
    availability_note = forms.CharField(label=_("Précision"), max_length=200, required=False)

    def clean_departments(self) -> list[str]:
        raw = self.cleaned_data["departments"]
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


class ApplyForm(AccompanistForm):
    network = forms.ModelChoiceField(label=_("Réseau"), queryset=Network.objects.none())
    ethics = forms.BooleanField(
        label=_("Je signe la charte éthique du cercle"),
        help_text=_(
            "Transparence des tarifs, pas de démarchage des lieux, confidentialité de ce qu'ils "
            "confient, orientation vers un pair quand il est le mieux placé."
        ),
        required=False,
    )

    def __init__(self, *args: Any, networks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]
        self.order_fields(["network"])


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Motif (obligatoire pour un refus)"), max_length=500, required=False
    )


class RatingForm(forms.Form):
    understood = forms.ChoiceField(
        label=_("Vos besoins ont-ils été compris ?"),
        choices=Answer3.choices,
        widget=forms.RadioSelect,
    )
    useful = forms.ChoiceField(
        label=_("L'accompagnement vous a-t-il été utile ?"),
        choices=Answer3.choices,
        widget=forms.RadioSelect,
    )
    frame_kept = forms.ChoiceField(
        label=_("Délais et budget ont-ils été tenus ?"),
        choices=Answer3.choices,
        widget=forms.RadioSelect,
    )
    recommend = forms.ChoiceField(
        label=_("Le ou la recommanderiez-vous à un autre lieu ?"),
        choices=Answer3.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un mot pour l'équipe du réseau (jamais publié)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferenceForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Lieu accompagné"), queryset=Place.objects.none())
    what = forms.CharField(label=_("Ce qui a été fait"), max_length=300)
    year = forms.IntegerField(label=_("Année"), min_value=1990, max_value=2100)

    def __init__(self, *args: Any, places: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]


class PeerProfileForm(forms.Form):
    experiences = forms.MultipleChoiceField(
        label=_("Ce que notre lieu a déjà traversé et peut partager"),
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    experience_note = forms.CharField(label=_("En quelques mots"), max_length=500, required=False)
    welcomes_holders = forms.BooleanField(
        label=_("Nous accueillons des porteurs de projets"), required=False
    )
    mentor_available = forms.BooleanField(
        label=_("Nous pouvons accompagner un nouveau lieu (compagnonnage)"), required=False
    )
    opened_year = forms.IntegerField(label=_("Année d'ouverture"), required=False)


# --- requests ----------------------------------------------------------------------------------


class RequestForm(forms.Form):
    topic = forms.ChoiceField(label=_("Sur quoi avez-vous besoin d'aide ?"), choices=TOPIC_CHOICES)
    description = forms.CharField(
        label=_("Votre besoin, avec vos mots"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    place = forms.ModelChoiceField(
        label=_("Pour le lieu"), queryset=Place.objects.none(), required=False
    )

    def __init__(self, *args: Any, places: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["place"].empty_label = _("— Pour mon projet, sans lieu encore —")  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Issue"), choices=SupportRequest.Outcome.choices)
    outcome_note = forms.CharField(
        label=_("Ce qui s'est passé"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    time_spent_minutes = forms.IntegerField(
        label=_("Temps passé en tout (minutes)"),
        min_value=0,
        max_value=100_000,
        help_text=_("Le temps des aidant·es et de l'équipe, par exemple 180 pour trois heures."),
    )


class HelperAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            ("studying", _("Je regarde")),
            ("taken", _("Je prends en charge")),
            ("done", _("C'est fait")),
            ("declined", _("Pas pour moi")),
        ],
        widget=forms.RadioSelect,
    )
    helper_note = forms.CharField(
        label=_("Un mot pour la personne (facultatif)"), max_length=500, required=False
    )
    volunteer_minutes = forms.IntegerField(
        label=_("Temps bénévole donné (minutes)"), min_value=0, max_value=100_000, required=False
    )


class SatisfactionForm(forms.Form):
    contacted = forms.ChoiceField(
        label=_("Avez-vous été contacté·e ?"),
        choices=Satisfaction.Contacted.choices,
        widget=forms.RadioSelect,
    )
    useful = forms.ChoiceField(
        label=_("Cela vous a-t-il été utile ?"), choices=Answer3.choices, widget=forms.RadioSelect
    )
    acted = forms.ChoiceField(
        label=_("Cela vous a-t-il fait avancer concrètement ?"),
        choices=Answer3.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Un mot ?"), max_length=1000, required=False)


# --- programmes --------------------------------------------------------------------------------


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=150)
    audience = forms.ChoiceField(label=_("Réservé à"), choices=PeerAudience.choices)
    facilitator = forms.EmailField(label=_("E-mail du facilitateur ou de la facilitatrice"))


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail de la personne"))
    place = forms.ModelChoiceField(label=_("Son lieu"), queryset=Place.objects.none())

    def __init__(self, *args: Any, places: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]


class CodevSessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    online_url = forms.URLField(label=_("Lien de visio"), required=False)


class CodevNotesForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client·e de la séance"), queryset=User.objects.none(), required=False
    )
    problem = forms.CharField(label=_("Problème apporté"), max_length=500, required=False)
    steps_done = forms.MultipleChoiceField(
        label=_("Étapes menées"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes (privées au groupe)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, people: Any = None, steps: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = people  # type: ignore[attr-defined]
        self.fields["steps_done"].choices = steps or []  # type: ignore[attr-defined]


class PairingForm(forms.Form):
    mentor_place = forms.ModelChoiceField(
        label=_("Lieu expérimenté"), queryset=Place.objects.none()
    )
    mentee_place = forms.ModelChoiceField(
        label=_("Nouveau lieu"), queryset=Place.objects.none(), required=False
    )
    mentee_holder = forms.ModelChoiceField(
        label=_("Ou porteur de projet"), queryset=ProjectHolder.objects.none(), required=False
    )  # type: ignore[arg-type]
    goals = forms.CharField(
        label=_("Objectifs"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Début"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Fin prévue"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, places: Any = None, holders: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor_place"].queryset = places  # type: ignore[attr-defined]
        self.fields["mentee_place"].queryset = places  # type: ignore[attr-defined]
        self.fields["mentee_holder"].queryset = holders  # type: ignore[attr-defined]


class CheckInForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Ce qui s'est dit"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClosePairingForm(forms.Form):
    goals_met = forms.ChoiceField(
        label=_("Les objectifs sont-ils atteints ?"),
        choices=Answer3.choices,
        widget=forms.RadioSelect,
    )
    closing_review = forms.CharField(
        label=_("Bilan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class HolderForm(forms.Form):
    project_name = forms.CharField(label=_("Nom du projet"), max_length=150)
    stage = forms.ChoiceField(label=_("Où en êtes-vous ?"), choices=ProjectHolder.Stage.choices)
    commune = forms.CharField(
        label=_("Commune du projet"), max_length=100, help_text=_("Nom ou code postal.")
    )
    needs = forms.MultipleChoiceField(
        label=_("Vos besoins"), choices=TOPIC_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Votre projet en quelques lignes"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_commune(self) -> Any:
        from maillage.territory.selectors import search_communes

        found = search_communes(query=self.cleaned_data["commune"], limit=1)
        if not found:
            raise forms.ValidationError(
                _("Commune introuvable : écrivez son nom ou son code postal.")
            )
        return found[0]


class VolunteeringForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Temps donné (minutes)"),
        min_value=1,
        max_value=24 * 60,
        help_text=_("Par exemple 90 pour une heure et demie ; au plus une journée."),
    )


class PeerPaymentForm(forms.Form):
    """Which action of which circle pays the peer's help, how much, and why."""

    action = forms.ChoiceField(label=_("Action du cercle qui finance"))
    amount_cents = EurosField(label=_("Montant proposé"), min_cents=1, max_cents=10_000_00)
    justification = forms.CharField(
        label=_("Justification pour le cercle"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, actions: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = {str(action.pk): (circle, action) for circle, action in actions}
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", _("— choisir —")),
            *((str(action.pk), f"{circle.name} — {action.title}") for circle, action in actions),
        ]

    def clean_action(self) -> tuple[Any, Any]:
        return self.actions[self.cleaned_data["action"]]


class HolderPlaceForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Votre lieu dans l'annuaire"),
        queryset=Place.objects.none(),
        empty_label=_("— choisir —"),
    )

    def __init__(self, *args: Any, places: list[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        field.queryset = Place.objects.filter(pk__in=[p.pk for p in places]).order_by("name")  # type: ignore[attr-defined]
        field.label_from_instance = lambda place: (  # type: ignore[attr-defined]
            f"{place.name} ({place.get_status_display()})"
        )
