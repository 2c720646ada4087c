"""Forms of the circle's budget: envelopes, spending proposals, expenses and their review."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.circles.budget_services import Payee
from maillage.circles.models import Action, Circle, FunderKind, PayeeKind, Proposal
from maillage.lib.forms import EurosField
from maillage.places.models import Place

DOCUMENT_ACCEPT = (
    "application/pdf,image/jpeg,image/png,image/webp,image/gif,"
    ".doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a list, maybe empty)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": DOCUMENT_ACCEPT}))
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name or obj.email


class IdempotentForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            # One key per rendered form: a double click or a replayed POST creates one row.
            self.initial["idempotency_key"] = uuid.uuid4().hex


class EnvelopeForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    funder_kind = forms.ChoiceField(label=_("Type de financeur"), choices=FunderKind.choices)
    funder = forms.CharField(
        label=_("Financeur"),
        max_length=200,
        help_text=_("Par exemple « Région Hauts-de-France »."),
    )
    amount = EurosField(min_cents=1, label=_("Montant"))
    earmark_action = forms.ModelChoiceField(
        label=_("Réservée à l'action"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("— aucune : tout le programme du cercle —"),
    )
    note = forms.CharField(
        label=_("Conditions du financeur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: object, circle: Circle, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["earmark_action"].queryset = Action.objects.filter(circle=circle)
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class PayeeFieldsMixin(forms.Form):
    payee_kind = forms.ChoiceField(
        label=_("Bénéficiaire"), choices=PayeeKind.choices, widget=forms.RadioSelect
    )
    payee_user = PersonChoiceField(
        label=_("Personne en rôle rémunéré"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Soucieux·ses et contributeur·rice·s du cercle."),
    )
    payee_place = forms.ModelChoiceField(
        label=_("Lieu membre du cercle"), queryset=Place.objects.none(), required=False
    )
    payee_name = forms.CharField(
        label=_("Prestataire extérieur"),
        max_length=200,
        required=False,
        help_text=_("Nom de l'entreprise ou de la personne."),
    )

    def setup_payee(self, *, circle: Circle, paid_people: list[User]) -> None:
        self.fields["payee_user"].queryset = User.objects.filter(
            pk__in=[u.pk for u in paid_people]
        ).order_by("display_name", "email")
        self.fields["payee_place"].queryset = circle.places.order_by("name")

    def payee(self) -> Payee:
        data = self.cleaned_data
        return Payee(
            kind=data["payee_kind"],
            user=data.get("payee_user"),
            place=data.get("payee_place"),
            name=data.get("payee_name") or "",
        )


class ProposalForm(PayeeFieldsMixin, IdempotentForm):
    action = forms.ModelChoiceField(
        label=_("Action du programme"),
        queryset=Action.objects.none(),
        error_messages={"invalid_choice": _("Cette action n'est pas au programme de ce cercle.")},
    )
    title = forms.CharField(label=_("Objet"), max_length=200)
    amount = EurosField(min_cents=1, label=_("Montant demandé"))
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("À quoi servira cette dépense ? Markdown accepté."),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_(
            "Devis, programme… PDF, images ou fichiers bureautiques, 10 Mo au plus chacun."
        ),
    )

    field_order = [
        "action",
        "title",
        "amount",
        "payee_kind",
        "payee_user",
        "payee_place",
        "payee_name",
        "justification",
        "documents",
    ]

    def __init__(
        self, *args: object, circle: Circle, paid_people: list[User], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].queryset = Action.objects.filter(circle=circle).exclude(
            status__in=[Action.Status.DONE, Action.Status.DROPPED]
        )
        self.setup_payee(circle=circle, paid_people=paid_people)


class ExpenseForm(PayeeFieldsMixin, IdempotentForm):
    amount = EurosField(min_cents=1, label=_("Montant"))
    description = forms.CharField(label=_("Objet de la dépense"), max_length=250)
    receipt = forms.FileField(
        label=_("Justificatif"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("Facture ou ticket : PDF ou image, 10 Mo au plus."),
    )

    field_order = [
        "amount",
        "description",
        "payee_kind",
        "payee_user",
        "payee_place",
        "payee_name",
        "receipt",
    ]

    def __init__(
        self,
        *args: object,
        proposal: Proposal,
        paid_people: list[User],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.setup_payee(circle=proposal.circle, paid_people=paid_people)
        if proposal.circle.receipts_required:
            self.fields["receipt"].label = _("Justificatif (obligatoire)")
        if not self.is_bound:
            self.initial.update(
                payee_kind=proposal.payee_kind,
                payee_user=proposal.payee_user_id,
                payee_place=proposal.payee_place_id,
                payee_name=proposal.payee_name,
            )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la contrepassation"),
        help_text=_("Par exemple : montant erroné, mauvais bénéficiaire, double paiement."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
