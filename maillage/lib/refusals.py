"""One way to refuse: every business rule that says "no" raises a `Refusal`.

Each area names its own refusals (`PlaceError`, `MobilityError`, `DayFull`…) as subclasses, with
no code of their own. A refusal carries a French sentence for the person (`message`, translatable),
the form field it belongs to (`field`, or None for the whole form) and an HTTP status hint for the
JSON API (`status`: 422 for input to correct, 409 for a state that forbids it, 403 for a person
without the right). Pages show it with `lib.forms.show_refusal`; the API answers it through the one
handler in `lib.api`.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    """A rule refused the request; nothing changed. `message` says why, in French by default."""

    message: Any = _("Cette demande a été refusée : rien n'a changé.")
    field: str | None = None
    # 422: the request must be corrected; 409: the state of things forbids it (the same request
    # may succeed later); 403: this person has no right to do it.
    status: int = 422
    # An area whose JSON fields are named unlike its form fields maps them: {"pass_": "pass_id"}.
    api_fields: dict[str, str] = {}

    def __init__(self, message: Any = None, *, field: str | None = None) -> None:
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))
