"""Form fields shared by every module."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.lib.money import format_cents, parse_euros
from maillage.lib.refusals import Refusal


class EurosField(forms.CharField):
    """An amount typed the French way ("1 250,50"), cleaned to integer cents.

    `empty_cents` is what an empty field gives (0, or None for "no price"); `min_cents` is 0 for
    "never negative" or 1 for "strictly positive"; `max_cents` catches typing slips.
    """

    default_error_messages = {
        "invalid": _("Montant illisible : écrivez un nombre d'euros, par exemple 12,50."),
        "negative": _("Un montant ne peut pas être négatif."),
        "not_positive": _("Le montant doit être positif."),
        "too_large": _("Ce montant dépasse %(limit)s : vérifiez-le."),
    }

    def __init__(
        self,
        *,
        empty_cents: int | None = 0,
        min_cents: int = 0,
        max_cents: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.empty_cents = empty_cents
        self.min_cents = min_cents
        self.max_cents = max_cents
        kwargs.setdefault("help_text", _("En euros, par exemple 1 250,50."))
        # No max_length: validators would run on the cleaned cents. The widget limits the typing.
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"}
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # Initial values are cents; submitted values are the text as typed.
        if isinstance(value, int):
            euros, cents = divmod(value, 100)
            return f"{euros},{cents:02d}" if cents else str(euros)
        return value

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        # The text is checked as text first (required, max length), then read as cents.
        text = super().clean(value)
        if not text:
            return self.empty_cents
        try:
            cents = parse_euros(text)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if cents < self.min_cents:
            code = "not_positive" if self.min_cents > 0 else "negative"
            raise forms.ValidationError(self.error_messages[code], code=code)
        if self.max_cents is not None and cents > self.max_cents:
            raise forms.ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"limit": format_cents(self.max_cents)},
            )
        return cents


def show_refusal(form: forms.BaseForm, refusal: Refusal, *, near: str | None = None) -> None:
    """Show a service's refusal next to the field it concerns, or above the form.

    `near` names the field to show it beside when the refusal names none of this form's fields
    (an upload refused for its content belongs beside the file input).
    """
    field = refusal.field if refusal.field in form.fields else near
    form.add_error(field, str(refusal.message))
