"""Field rules shared by the models, hence by every form and the API (services full_clean).

A rule written on a model field is checked by its ModelForm and by `full_clean` in the
services the API calls: a value the page refuses, the API refuses with the same French message
beside the same field.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What may stay in text on several lines: line breaks (and tabs, turned into spaces).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_PHONE = re.compile(r"\+?[\d\s.()-]+")


@deconstructible
class SingleLine:
    """One line of text: no line break, tab or other control character (they break feeds,
    e-mail headers and CSV cells)."""

    message = _("Écrivez ce texte sur une seule ligne, sans caractère de contrôle.")
    code = "single_line"

    def __call__(self, value: str) -> None:
        if value and _CONTROL.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLine)

    def __hash__(self) -> int:
        return hash(self.code)


def without_control_characters(text: str) -> str:
    """Text stored before these rules (or imported) made safe for a line-based format such as
    iCalendar: CR and CRLF become LF, tabs become spaces, other control characters go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL_IN_TEXT.sub("", text)


def validate_phone(value: str) -> None:
    """A phone number as people write it: digits, spaces, dots, dashes, brackets, one leading +."""
    if value and (not _PHONE.fullmatch(value) or len(re.sub(r"\D", "", value)) < 6):
        raise ValidationError(
            _("Ce numéro de téléphone n'est pas valide (chiffres, espaces, points, +)."),
            code="phone",
        )


def validate_postal_code(value: str) -> None:
    if value and not re.fullmatch(r"\d{5}", value):
        raise ValidationError(_("Un code postal a cinq chiffres."), code="postal_code")


single_line = SingleLine()
