import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.lib.forms import EurosField
from maillage.opportunities.models import (
    Call,
    Kind,
    Mode,
    Partner,
    SavedSearch,
    Structure,
    Theme,
    Track,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    kind = forms.ChoiceField(label=_("Nature"), choices=Kind.choices)
    funder = forms.CharField(label=_("Financeur ou acheteur"), max_length=300)
    summary = forms.CharField(label=_("Présentation"), widget=forms.Textarea, required=False)
    amount_min_cents = EurosField(label=_("Montant minimum"), required=False, empty_cents=None)
    amount_max_cents = EurosField(
        label=_("Montant maximum (plafond)"), required=False, empty_cents=None
    )
    cofunding_rate = forms.IntegerField(
        label=_("Taux de cofinancement (%)"), required=False, min_value=1, max_value=100
    )
    deadline_day = forms.DateField(label=_("Date limite"), required=False, widget=DATE)
    deadline_time = forms.TimeField(
        label=_("Heure limite (heure de Paris)"),
        required=False,
        initial=datetime.time(12, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    rolling = forms.BooleanField(label=_("Au fil de l'eau (sans date limite)"), required=False)
    limited_envelope = forms.BooleanField(label=_("Enveloppe limitée"), required=False)
    territory = forms.CharField(
        label=_("Territoire"),
        initial="national",
        help_text=_(
            "« national », ou codes séparés par des virgules : R32 (région), 80 "
            "(département), 80021 (commune)."
        ),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible = forms.MultipleChoiceField(
        label=_("Structures éligibles"),
        choices=Structure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consortium_allowed = forms.BooleanField(
        label=_("Réponse à plusieurs possible"), required=False, initial=True
    )
    mode = forms.ChoiceField(label=_("Logique"), choices=Mode.choices, widget=forms.RadioSelect)
    url = forms.URLField(label=_("Lien vers l'appel"), required=False, assume_scheme="https")
    required_pieces = forms.CharField(
        label=_("Pièces demandées"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Une par ligne ; elles deviennent la liste de contrôle des réponses."),
    )
    network: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Réseau"), queryset=None)

    def __init__(self, *args: Any, networks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]
        if networks.count() == 1:
            self.fields["network"].initial = networks.first()

    def cleaned_call_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day, time = data.pop("deadline_day"), data.pop("deadline_time")
        data["deadline"] = (
            datetime.datetime.combine(day, time or datetime.time(12, 0), tzinfo=PARIS)
            if day
            else None
        )
        data["required_pieces"] = [
            line.strip() for line in (data["required_pieces"] or "").splitlines() if line.strip()
        ]
        return data


class CallEditForm(CallForm):
    """The same fields, filled from the call; its network stays (a coordinator may move it to
    another network they coordinate)."""

    def __init__(self, *args: Any, call: Call, networks: Any, **kwargs: Any) -> None:
        from maillage.opportunities.services import territory_text

        deadline = call.deadline_local
        kwargs.setdefault(
            "initial",
            {
                **{
                    name: getattr(call, name)
                    for name in (
                        "title",
                        "kind",
                        "funder",
                        "summary",
                        "amount_min_cents",
                        "amount_max_cents",
                        "cofunding_rate",
                        "rolling",
                        "limited_envelope",
                        "themes",
                        "eligible",
                        "consortium_allowed",
                        "mode",
                        "url",
                    )
                },
                "deadline_day": deadline.date() if deadline else None,
                "deadline_time": deadline.time().replace(second=0, microsecond=0)
                if deadline
                else datetime.time(12, 0),
                "territory": territory_text(call),
                "required_pieces": "\n".join(str(p) for p in call.required_pieces),
                "network": call.network,
            },
        )
        super().__init__(*args, networks=networks, **kwargs)


class CallDocumentForm(forms.Form):
    label = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        required=False,
        help_text=_("Par exemple « Règlement de l'appel » ; vide : le nom du fichier."),
    )
    file = forms.FileField(
        label=_("Document (PDF, image, Word, Excel ou LibreOffice ; 10 Mo au plus)")
    )


class ModerationForm(forms.Form):
    note = forms.CharField(label=_("Motif (obligatoire pour refuser)"), required=False)


class AlertForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'alerte"), max_length=120)
    kinds = forms.MultipleChoiceField(
        label=_("Natures"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department_codes = forms.CharField(
        label=_("Départements"),
        required=False,
        help_text=_("Codes séparés par des virgules (80, 02) ; vide : toute la France."),
    )
    amount_min_cents = EurosField(label=_("Plafond d'au moins"), required=False, empty_cents=None)
    frequency = forms.ChoiceField(
        label=_("Courriel récapitulatif"), choices=SavedSearch.Frequency.choices
    )

    def clean_department_codes(self) -> list[str]:
        text = self.cleaned_data.get("department_codes") or ""
        return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]


class TrackForm(forms.Form):
    place: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Lieu"), queryset=None)
    step = forms.ChoiceField(label=_("Où en est-il ?"), choices=Track.Step.choices)
    on = forms.DateField(label=_("Depuis le"), required=False, widget=DATE)

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]


class PartnersWantedForm(forms.Form):
    place: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Lieu"), queryset=None)
    note = forms.CharField(label=_("Les partenaires que nous cherchons"), max_length=500)

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]


class OfferForm(forms.Form):
    place: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Notre lieu"), queryset=None)
    brings = forms.CharField(
        label=_("Ce que nous apportons"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]


class OpenAnswerForm(forms.Form):
    lead_place: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Lieu chef de file"), queryset=None
    )
    title = forms.CharField(label=_("Nom du projet"), max_length=200, required=False)
    internal_deadline = forms.DateField(
        label=_("Date limite interne"),
        required=False,
        widget=DATE,
        help_text=_("Avant celle de l'appel, pour relire ensemble."),
    )

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_place"].queryset = places  # type: ignore[attr-defined]
        if places.count() == 1:
            self.fields["lead_place"].initial = places.first()


class InviteForm(forms.Form):
    place = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (Partner.Role.COCONTRACTOR, _("Cotraitant")),
            (Partner.Role.SUBCONTRACTOR, _("Sous-traitant")),
        ],
    )


class PersonInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de son compte"),
        help_text=_("Un·e professionnel·le, un·e indépendant·e… qui a un compte sur Maillage."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=InviteForm.base_fields["role"].choices)  # type: ignore[attr-defined]


class EnvelopeForm(forms.Form):
    # The list offers the circles whose budget the person may see; which circle may receive the
    # money is the service's rule (any other is refused there, next to this field).
    circle = forms.IntegerField(label=_("Cercle"), widget=forms.Select)
    amount_cents = EurosField(label=_("Montant à enregistrer"), min_cents=1)
    funder_kind = forms.ChoiceField(label=_("Type de financeur"), choices=[])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(
        self, *args: Any, circles: Any, funder_kinds: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.circles = list(circles)
        self.fields["circle"].widget.choices = [(c.pk, c.name) for c in self.circles]  # type: ignore[attr-defined]
        self.fields["funder_kind"].choices = list(funder_kinds.items())  # type: ignore[attr-defined]


class PieceForm(forms.Form):
    label = forms.CharField(label=_("Pièce"), max_length=200)
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Qui la prépare"), queryset=None, required=False
    )
    due_on = forms.DateField(label=_("Pour le"), required=False, widget=DATE)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = partners  # type: ignore[attr-defined]


class WorkPackageForm(forms.Form):
    title = forms.CharField(label=_("Lot de travail"), max_length=200)
    description = forms.CharField(
        label=_("Contenu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    leader: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Porté par"), queryset=None, required=False
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = partners  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    label = forms.CharField(label=_("Libellé"), max_length=120)
    url = forms.URLField(label=_("Adresse"), assume_scheme="https")


class LetterForm(forms.Form):
    letter = forms.FileField(label=_("Lettre d'engagement (PDF)"))


class DeadlineForm(forms.Form):
    internal_deadline = forms.DateField(label=_("Date limite interne"), required=False, widget=DATE)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouvel état"), choices=[])
    amount_won_cents = EurosField(label=_("Montant obtenu"), required=False, empty_cents=None)

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[c for c in Call.Source.choices if c[0] != Call.Source.MANUAL],
    )
    url = forms.URLField(label=_("Adresse d'un flux"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Ou un fichier"), required=False)
    default_kind = forms.ChoiceField(label=_("Nature par défaut"), choices=Kind.choices)
    network: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Réseau"), queryset=None)
    poll = forms.BooleanField(label=_("Relever ce flux chaque jour"), required=False)

    def __init__(self, *args: Any, networks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks  # type: ignore[attr-defined]
        if networks.count() == 1:
            self.fields["network"].initial = networks.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and not data.get("file"):
            raise forms.ValidationError(_("Donnez l'adresse d'un flux ou un fichier."))
        return data
