"""Confirm what cannot be undone: a summary first, the action only on a confirmed POST.

The page (or the inline step) tells what is about to happen — the amount, who, what follows — and
posts back to the same URL with `confirm=oui`. A view runs its service only when
`is_confirmed(request)`; a GET, or a POST without the flag (an old form, a double click on a
stale page), shows the summary again. No JavaScript: it works the same everywhere.

    if not is_confirmed(request):
        return render_confirmation(request, Confirmation(title=..., facts=[...], ...))
    services.do_it(...)

Templates: `confirm.html` (a page of its own) and `components/confirm_step.html` (the summary
and its buttons, to include in a page that already shows the object).
"""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "oui"


def is_confirmed(request: HttpRequest) -> bool:
    """Whether this is the POST of the "Confirmer" button (not a first click, not a GET)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def safe_next(request: HttpRequest) -> str:
    """The `next` page (POST or query string) if it is on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@dataclass
class Confirmation:
    """What the summary says: a title, facts (label, value), what will happen, the buttons."""

    title: str
    confirm_label: str
    cancel_url: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)
    action_url: str = ""  # empty: post back to the page's own URL
    hidden: dict[str, str] = field(default_factory=dict)
    danger: bool = False
    back_url: str = ""
    back_label: str = ""


def render_confirmation(
    request: HttpRequest, confirmation: Confirmation, *, status: int = 200
) -> HttpResponse:
    """The confirmation page; `next` (when safe) is carried to the confirmed POST, and
    "Annuler" goes back there."""
    target = safe_next(request)
    if target and "next" not in confirmation.hidden:
        confirmation.hidden["next"] = target
        confirmation.cancel_url = target
    return render(request, "confirm.html", {"confirmation": confirmation}, status=status)
