"""Template filters for French that reads right (the rules are in `maillage/lib/french.py`).

A template builtin (settings TEMPLATES OPTIONS "builtins"): every template has these filters
without `{% load %}`. Its `date` filter replaces Django's so "j F" dates say "1er décembre".
"""

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date

from maillage.lib import french

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, with "1er" for the first day of a month in French."""
    if (
        isinstance(value, datetime.date)
        and value.day == 1
        and french.is_french()
        and (arg is None or "j" in arg)
    ):
        try:
            return french.date_format(value, arg)
        except AttributeError:
            return ""
    return django_date(value, arg)


@register.filter
def de(value: object) -> str:
    """ "d'Aurélien", "de Bruno", "d'octobre 2026", "du Hangar"."""
    if value is None or value == "":
        return ""
    return french.de(value)


@register.filter
def de_mois(value: datetime.date | None, fmt: str = "F") -> str:
    """ "de mars", "d'avril"; `{{ day|de_mois:"F Y" }}` → "d'août 2026"."""
    if not value:
        return ""
    return french.de_mois(value, fmt)


@register.filter
def depuis(value: datetime.date | None) -> str:
    """The time since `value` in its largest unit: "1 année" ("il y a {{ d|depuis }}")."""
    if not value:
        return ""
    return french.depuis(value)


@register.filter
def il_y_a(value: datetime.date | None) -> str:
    """ "il y a 3 jours", "à l'instant", "aujourd'hui": the whole phrase, never "il y a 0 minute"."""
    if not value:
        return ""
    return french.il_y_a(value)


@register.filter
def prefixe(name: object, prefix: str) -> str:
    """`{{ scheme.name|prefixe:_("Pass") }}`: "Pass Compagnie", never "Pass Pass Compagnie"."""
    return french.prefixed(prefix, name)


@register.filter
def attente(seconds: float | None) -> str:
    """A waiting time in its unit, rounded up: "45 secondes", "2 minutes"."""
    if seconds is None:
        return ""
    return french.duree_attente(seconds)


@register.filter
def compte(value: float | int | str | None) -> int:
    """The count choosing the plural form of a decimal number: its whole part, as French rules
    (1,5 jour, 2 jours): `{% blocktranslate count n=days|compte %}`."""
    try:
        return int(float(value or 0))
    except (TypeError, ValueError):
        return 0
