"""Forms of mobility: they shape input, the services decide."""

import datetime
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.lib.forms import EurosField
from maillage.mobility.models import WEEKDAY_FIELDS, Half, HostOffer, Pass, QuotaPeriod, SchemeModel
from maillage.mobility.services import SchemeTerms
from maillage.places.models import Place


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)  # type: ignore[arg-type]


class PercentField(forms.DecimalField):
    """A percentage typed by people, stored in basis points (25 % → 2500)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            max_digits=5,
            decimal_places=2,
            min_value=Decimal(0),
            max_value=Decimal(100),
            **kwargs,  # type: ignore[arg-type]
        )

    def prepare_value(self, value: object) -> object:
        if isinstance(value, int):
            return Decimal(value) / 100
        return value

    def clean(self, value: object) -> int:  # type: ignore[override]
        number = super().clean(value)
        return int((number or Decimal(0)) * 100)


class TermsForm(forms.Form):
    """The terms of a scheme version."""

    effective_from = forms.DateField(label=_("En vigueur à partir du"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valable jusqu'au"),
        required=False,
        widget=DateInput(),
        help_text=_("Laisser vide pour une formule sans date de fin."),
    )
    monthly_price_cents = EurosField(label=_("Prix mensuel payé par le membre"), required=False)
    quota_days = forms.IntegerField(label=_("Jours inclus"), min_value=1, max_value=366)
    quota_period = forms.ChoiceField(label=_("Période du quota"), choices=QuotaPeriod.choices)
    day_rate_cents = EurosField(label=_("Tarif journée du lieu d'accueil"), required=False)
    half_day_rate_cents = EurosField(
        label=_("Tarif demi-journée du lieu d'accueil"), required=False
    )
    retrocession_share_bp = PercentField(
        label=_("Part rétrocédée (%)"),
        required=False,
        help_text=_(
            "Rétrocession : part du prix mensuel par jour de quota reversée au lieu d'accueil."
        ),
    )
    preferential_discount_bp = PercentField(
        label=_("Remise du tarif préférentiel (%)"),
        required=False,
        help_text=_("Tarif préférentiel : remise sur le tarif journée payé par le visiteur."),
    )
    cancellation_deadline_hours = forms.IntegerField(
        label=_("Délai d'annulation (heures avant la visite)"), min_value=0, max_value=720
    )
    no_show_charged = forms.BooleanField(
        label=_("Facturer les absences au lieu d'accueil"), required=False
    )

    def terms(self) -> SchemeTerms:
        data = self.cleaned_data
        return SchemeTerms(
            quota_days=data["quota_days"],
            quota_period=data["quota_period"],
            monthly_price_cents=data["monthly_price_cents"],
            day_rate_cents=data["day_rate_cents"],
            half_day_rate_cents=data["half_day_rate_cents"],
            retrocession_share_bp=data["retrocession_share_bp"],
            preferential_discount_bp=data["preferential_discount_bp"],
            cancellation_deadline_hours=data["cancellation_deadline_hours"],
            no_show_charged=data["no_show_charged"],
            valid_until=data["valid_until"],
        )


class SchemeForm(TermsForm):
    name = forms.CharField(label=_("Nom de la formule"), max_length=150)
    model = forms.ChoiceField(label=_("Modèle"), choices=SchemeModel.choices)
    description = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["name", "model", "description"]


class OfferForm(forms.Form):
    desks_monday = forms.IntegerField(label=_("Lundi"), min_value=0, max_value=500, initial=0)
    desks_tuesday = forms.IntegerField(label=_("Mardi"), min_value=0, max_value=500, initial=0)
    desks_wednesday = forms.IntegerField(label=_("Mercredi"), min_value=0, max_value=500, initial=0)
    desks_thursday = forms.IntegerField(label=_("Jeudi"), min_value=0, max_value=500, initial=0)
    desks_friday = forms.IntegerField(label=_("Vendredi"), min_value=0, max_value=500, initial=0)
    desks_saturday = forms.IntegerField(label=_("Samedi"), min_value=0, max_value=500, initial=0)
    desks_sunday = forms.IntegerField(label=_("Dimanche"), min_value=0, max_value=500, initial=0)
    closed_dates = forms.CharField(
        label=_("Jours de fermeture"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Une date par ligne, par exemple 25/12/2026."),
    )
    half_days_allowed = forms.BooleanField(label=_("Demi-journées possibles"), required=False)
    instructions = forms.CharField(
        label=_("Informations pour les visiteurs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Accès, horaires, code de la porte… Markdown accepté."),
    )
    approval_required = forms.BooleanField(
        label=_("Valider chaque réservation avant qu'elle soit confirmée"), required=False
    )
    approval_hours = forms.IntegerField(
        label=_("Délai de validation (heures)"), min_value=1, max_value=168, initial=48
    )
    is_active = forms.BooleanField(label=_("Accueil ouvert"), required=False, initial=True)

    @classmethod
    def for_offer(cls, offer: HostOffer | None, data: object = None) -> "OfferForm":
        initial: dict[str, object] = {}
        if offer is not None:
            initial = {name: getattr(offer, name) for name in WEEKDAY_FIELDS}
            initial.update(
                closed_dates="\n".join(
                    datetime.date.fromisoformat(d).strftime("%d/%m/%Y") for d in offer.closed_dates
                ),
                half_days_allowed=offer.half_days_allowed,
                instructions=offer.instructions,
                approval_required=offer.approval_required,
                approval_hours=offer.approval_hours,
                is_active=offer.is_active,
            )
        return cls(data or None, initial=initial)

    def clean_closed_dates(self) -> list[datetime.date]:
        dates = []
        bad = []
        for line in self.cleaned_data["closed_dates"].replace(",", "\n").splitlines():
            text = line.strip()
            if not text:
                continue
            for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
                try:
                    dates.append(datetime.datetime.strptime(text, pattern).date())  # noqa: DTZ007
                    break
                except ValueError:
                    continue
            else:
                bad.append(text)
        if bad:
            raise ValidationError(
                _("Dates illisibles : %(dates)s. Écrivez-les comme 25/12/2026."),
                params={"dates": ", ".join(bad)},
            )
        return dates

    def desks(self) -> list[int]:
        return [self.cleaned_data[name] for name in WEEKDAY_FIELDS]


class PassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pass) -> str:
        return f"{obj.scheme.name} — {obj.scheme.network.name}"


class BookForm(forms.Form):
    pass_ = PassChoiceField(
        label=_("Avec le pass"),
        queryset=Pass.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Ce pass n'existe pas ou n'est pas le vôtre.")},
    )
    day = forms.DateField(label=_("Jour"), widget=DateInput())
    half = forms.ChoiceField(label=_("Durée"), choices=Half.choices, initial=Half.FULL)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(
        self, *args: object, passes: QuerySet[Pass], half_days: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["pass_"].queryset = passes
        if not half_days:
            self.fields["half"].choices = [(Half.FULL, Half.FULL.label)]
        if not self.is_bound:
            # One key per rendered form: a double click or a retried POST books once.
            self.initial["idempotency_key"] = uuid.uuid4().hex


class FindForm(forms.Form):
    day = forms.DateField(label=_("Jour"), widget=DateInput())


class SubscribeForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Formule"), widget=forms.RadioSelect)

    def __init__(self, *args: object, choices: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scheme"].choices = choices
        if len(choices) == 1:
            # The only choice is the answer: chosen already, one click less.
            self.initial.setdefault("scheme", choices[0][0])


class GrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"),
        help_text=_("La personne doit déjà avoir un compte."),
    )
    home_place = forms.ModelChoiceField(label=_("Lieu d'attache"), queryset=Place.objects.none())

    def __init__(self, *args: object, places: list[Place], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["home_place"].queryset = Place.objects.filter(
            pk__in=[p.pk for p in places]
        ).order_by("name")
