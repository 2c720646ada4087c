"""A light French stemmer for full-text search: accents and case away, common endings cut.

Not a linguist's stemmer (Snowball's French one is far finer): it only has to send the forms
people type to the same token as the forms places write ("ateliers" and "atelier", "cafe" and
"Café", "bureaux" and "bureau", "locaux" and "local"). The same function runs on the
documents and on the query, so any over-stemming happens identically on both sides.
"""

import re
import unicodedata

# Cut in this order, longest first; each (suffix, replacement).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ations", ""),
    ("ation", ""),
    ("ieres", ""),
    ("iere", ""),
    ("iers", ""),
    ("ier", ""),
    ("euses", ""),
    ("euse", ""),
    ("eurs", ""),
    ("eur", ""),
    ("eaux", "eau"),
    ("aux", "al"),
)
# A stem shorter than this is too ambiguous: keep the word whole.
MIN_STEM = 3

STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "y",
    ]
)

_WORD = re.compile(r"[0-9a-z]+")


def unaccent(text: str) -> str:
    """Lower-case, without accents or ligatures: "Œuvre Été" → "oeuvre ete"."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def stem(word: str) -> str:
    """The stem of one lower-case, accent-free word."""
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= MIN_STEM:
                return base + replacement
            break
    if len(word) > MIN_STEM and word[-1] in "sx":
        word = word[:-1]
    # Feminine past participles: "partagée" → "partage", like "partagé".
    if len(word) > MIN_STEM + 1 and word.endswith("ee"):
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The stems of the words of a text, stop words left out, in order."""
    return [stem(word) for word in _WORD.findall(unaccent(text)) if word not in STOP_WORDS]


def stem_text(text: str) -> str:
    """The text as its stems joined by spaces: what the search index stores."""
    return " ".join(tokens(text))
