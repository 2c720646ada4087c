"""Forms of the permanences (the services check the rules; forms only read the input)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.communication.models import CostKey, Half, Rota, Weekday
from maillage.lib.forms import EurosField
from maillage.lib.french import date_format

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RotaForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=150)
    facilitator = forms.EmailField(
        label=_("E-mail de l'animateur·rice"),
        help_text=_("La personne doit avoir un compte sur Maillage."),
    )
    pattern = forms.ChoiceField(label=_("Rythme"), choices=Rota.Pattern.choices)
    starts_on = forms.DateField(label=_("À partir du"), widget=DATE)
    ends_on = forms.DateField(label=_("Jusqu'au"), widget=DATE)
    cost_cents = EurosField(
        label=_("Coût du poste sur la période"), required=False, empty_cents=None
    )
    cost_key = forms.ChoiceField(
        label=_("Partage du coût entre les lieux"), choices=CostKey.choices
    )

    def clean_facilitator(self) -> User:
        email = self.cleaned_data["facilitator"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Aucun compte avec cette adresse : invitez d'abord la personne.")
            )
        return user


class SlotForm(forms.Form):
    place = forms.ChoiceField(label=_("Lieu"))
    weekday = forms.TypedChoiceField(label=_("Jour"), choices=Weekday.choices[:5], coerce=int)
    half = forms.ChoiceField(label=_("Demi-journée"), choices=Half.choices)
    week = forms.TypedChoiceField(
        label=_("Semaine (une sur deux)"),
        choices=[(1, _("Semaine 1")), (2, _("Semaine 2"))],
        coerce=int,
        required=False,
    )
    purpose = forms.CharField(label=_("Objet"), max_length=200, required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(str(p.pk), p.name) for p in places]


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label=_("Absent·e du"), widget=DATE)
    ends_on = forms.DateField(label=_("au"), widget=DATE)
    stand_in = forms.EmailField(label=_("E-mail du ou de la remplaçant·e"), required=False)
    reason = forms.CharField(label=_("Motif"), max_length=150, required=False)

    def clean_stand_in(self) -> User | None:
        email = self.cleaned_data.get("stand_in")
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte avec cette adresse."))
        return user


class RequestForm(forms.Form):
    rota = forms.ChoiceField(label=_("Tournée"))
    date = forms.DateField(label=_("Date"), widget=DATE)
    half = forms.ChoiceField(label=_("Demi-journée"), choices=Half.choices)
    purpose = forms.CharField(label=_("Pour quoi faire ?"), max_length=200, required=False)

    def __init__(self, *args, rotas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rota"].choices = [(str(r.pk), str(r)) for r in rotas]


class ClosureForm(forms.Form):
    starts_on = forms.DateField(label=_("Fermé du"), widget=DATE)
    ends_on = forms.DateField(label=_("au"), widget=DATE)
    reason = forms.CharField(label=_("Motif"), max_length=150, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi ? (l'animateur·rice le lira)"), max_length=300, required=False
    )


class SwapForm(forms.Form):
    wanted = forms.ChoiceField(label=_("Contre la permanence de"))
    message = forms.CharField(label=_("Message à l'autre lieu"), max_length=300, required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [
            # The date first: a phone's select shows the start of a long choice.
            (
                str(p.pk),
                f"{capfirst(date_format(p.date, 'l j F'))} ({p.get_half_display()}) — {p.place.name}",
            )
            for p in targets
        ]


class VisitForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes de la visite"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    people_met = forms.IntegerField(label=_("Personnes rencontrées"), min_value=0, required=False)
    needs = forms.CharField(
        label=_("Besoins repérés (un par ligne)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_needs(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data.get("needs", "").splitlines() if line.strip()
        ]
