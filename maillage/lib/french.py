"""French that reads right: elision, "1er", months after "de", short durations, no doubled words.

One place for the small grammar rules gettext cannot carry. Each helper applies its French rule
only while French is the active language; in another language it returns the words unchanged (or
Django's own rendering), and the translation of the surrounding sentence carries the preposition.
So a sentence takes the phrase whole: `_("Vote %(de_name)s") % {"de_name": de(name)}` gives
"Vote d'Aurélien" in French and, translated "Vote by %(de_name)s", "Vote by Aurélien" in English.
The template filters of the same names are in `maillage/templatetags/french.py`.
"""

import datetime
import re
import unicodedata

from django.utils import formats, timesince, timezone
from django.utils.translation import get_language, gettext, ngettext

__all__ = [
    "date_format",
    "de",
    "de_mois",
    "depuis",
    "duree_attente",
    "elides",
    "il_y_a",
    "is_french",
    "prefixed",
]

# Words starting with an aspirated h: no elision ("de Hangar", "la halle"). The common ones in
# place, network and people names; any other h word elides ("d'Hélène", "d'Hugo", "d'habitants").
H_ASPIRE = frozenset(
    {
        "hache",
        "haie",
        "hall",
        "halle",
        "halles",
        "hameau",
        "hamac",
        "hanche",
        "handball",
        "handicap",
        "hangar",
        "hangars",
        "hareng",
        "haricot",
        "harpe",
        "hasard",
        "haut",
        "haute",
        "hauts",
        "hautes",
        "havre",
        "hérisson",
        "héron",
        "héros",
        "hêtre",
        "hibou",
        "hockey",
        "hollande",
        "homard",
        "honte",
        "hotte",
        "houblon",
        "housse",
        "huit",
        "huitième",
        "hutte",
    }
)
_VOWELS = "aeiou"
# Unescaped "j" (day of the month) in a Django date format; a backslash escapes a letter.
_DAY_TOKEN = re.compile(r"(?<!\\)j")
_FIRST_WORD = re.compile(r"[\w'’-]+")


def is_french() -> bool:
    """Whether French is the active language (the French rules apply)."""
    return (get_language() or "fr").lower().startswith("fr")


def _bare(letter: str) -> str:
    """A letter without its accent or ligature, lower case: "É" → "e", "Œ" → "o"."""
    decomposed = unicodedata.normalize("NFD", letter.lower())
    return {"œ": "o", "æ": "a"}.get(decomposed[:1], decomposed[:1])


def elides(word: str) -> bool:
    """Whether "de"/"le"/"que" elide before `word`: a vowel or a mute h starts it.

    "Aurélien", "octobre", "Élise", "Hélène", "Yves" elide; "Bruno", "Hangar", "Yann" (y before a
    vowel sounds like a consonant) and "2026" do not.
    """
    text = word.strip()
    if not text or not text[0].isalpha():
        return False
    first = _bare(text[0])
    second = _bare(text[1]) if len(text) > 1 else ""
    if first in _VOWELS:
        return True
    if first == "y":
        return bool(second) and second not in _VOWELS
    if first == "h":
        match = _FIRST_WORD.match(text)
        return match is not None and match.group(0).lower() not in H_ASPIRE
    return False


def de(text: object) -> str:
    """ "de" before a name or a word, elided or contracted in French: "d'Aurélien", "de Bruno",
    "d'octobre 2026", "du Hangar" (for "Le Hangar"), "des Ateliers" (for "Les Ateliers").

    In another language, the text unchanged (the translated sentence carries its preposition).
    """
    words = str(text).strip()
    if not is_french():
        return words
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if words.startswith(article) and len(words) > len(article):
            return contracted + words[len(article) :]
    if elides(words):
        return f"d'{words}"
    return f"de {words}"


def date_format(value: datetime.date | datetime.datetime, fmt: str | None = None) -> str:
    """Django's `date_format`, with "1er" for the first day of a month in French.

    `fmt` is a Django date format ("j F Y", "l j F") or a format setting name ("DATE_FORMAT").
    """
    if fmt is None:
        fmt = "DATE_FORMAT"
    if is_french() and getattr(value, "day", None) == 1:
        resolved = formats.get_format(fmt) if fmt.isupper() else fmt
        fmt = _DAY_TOKEN.sub(r"j\\e\\r", str(resolved))
    return formats.date_format(value, fmt)


def de_mois(value: datetime.date | datetime.datetime, fmt: str = "F") -> str:
    """ "de" and the month of `value`: "de mars", "d'avril", "d'août 2026" (fmt "F Y")."""
    return de(formats.date_format(value, fmt))


def depuis(value: datetime.date | datetime.datetime, now: datetime.datetime | None = None) -> str:
    """The time since `value` in its largest unit only: "1 année", not "1 année, 5 mois"."""
    return timesince.timesince(value, now, depth=1)


def il_y_a(value: datetime.date | datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "il y a 3 jours", or "à l'instant" / "aujourd'hui" when no whole unit has passed (never
    "il y a 0 minute")."""
    now = now or timezone.now()
    if isinstance(value, datetime.datetime):
        if (now - value).total_seconds() < 60:
            return gettext("à l'instant")
    else:
        today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
        if value >= today:
            return gettext("aujourd'hui")
        # A date counts whole days from today's start (timesince wants both naive then).
        now = datetime.datetime.combine(today, datetime.time())
    return gettext("il y a %(duree)s") % {"duree": depuis(value, now)}


def duree_attente(seconds: float) -> str:
    """A waiting time rounded up to its unit: "45 secondes", "2 minutes", "1 heure"."""
    whole = max(1, int(-(-seconds // 1)))
    if whole < 60:
        return ngettext("%(n)d seconde", "%(n)d secondes", whole) % {"n": whole}
    minutes = -(-whole // 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = -(-minutes // 60)
    return ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours}


def prefixed(prefix: str, name: object) -> str:
    """`prefix` before `name` unless the name already starts with that word:
    ("Pass", "Compagnie") → "Pass Compagnie", ("Pass", "Pass Compagnie") → "Pass Compagnie"."""
    text = str(name).strip()
    word = prefix.strip()
    if not word:
        return text
    if text.casefold() == word.casefold() or text.casefold().startswith(word.casefold() + " "):
        return text
    return f"{word} {text}"
