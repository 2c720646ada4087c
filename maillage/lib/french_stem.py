"""A light French stemmer for full-text search: accents and case away, common endings cut.

Not a linguist's stemmer (Snowball's French one is far finer): it only has to send the forms
people type to the same token as the forms places write ("ateliers" and "atelier", "cafe" and
"Café", "bureaux" and "bureau", "locaux" and "local"). The same function runs on the
documents and on the query, so any over-stemming happens identically on both sides.
"""

import functools
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


# --- word families (the directory's full-text search) ---------------------------------------

# Words written in one or in two: both become the one-word form.
COMPOUNDS: dict[tuple[str, str], str] = {
    ("fab", "lab"): "fablab",
    ("fab", "labs"): "fablab",
    ("co", "working"): "coworking",
    ("hacker", "space"): "hackerspace",
    ("maker", "space"): "makerspace",
}
# A family stem shorter than this keeps its ending.
MIN_FAMILY = 4


def family(word_stem: str) -> str:
    """One step further than `stem`: a verb's or noun's family ("découpe", "découper",
    "découpeuse" → "decoup"; "réparer", "réparation" → "repar")."""
    if word_stem.endswith("er") and len(word_stem) - 2 >= MIN_FAMILY:
        return word_stem[:-2]
    if word_stem.endswith("e") and len(word_stem) - 1 >= MIN_FAMILY:
        return word_stem[:-1]
    return word_stem


@functools.lru_cache(maxsize=4096)
def _family_tokens(text: str) -> tuple[str, ...]:
    return tuple(_family_tokens_uncached(text))


def family_tokens(text: str) -> list[str]:
    """`_family_tokens_uncached`, remembered for the short texts asked again and again."""
    if len(text) > 200:
        return _family_tokens_uncached(text)
    return list(_family_tokens(text))


def _family_tokens_uncached(text: str) -> list[str]:
    """The word families of a text, compounds joined ("fab lab" → "fablab"), stop words out.

    The places' search index and its queries both go through this, so a word matches only
    whole words of its family, never a longer word it happens to begin ("repar" is not
    "reparsac").
    """
    words = [word for word in _WORD.findall(unaccent(text)) if word not in STOP_WORDS]
    joined: list[str] = []
    i = 0
    while i < len(words):
        pair = (words[i], words[i + 1]) if i + 1 < len(words) else None
        if pair is not None and pair in COMPOUNDS:
            joined.append(COMPOUNDS[pair])
            i += 2
            continue
        joined.append(words[i])
        i += 1
    return [family(stem(word)) for word in joined]


def family_text(text: str) -> str:
    """The text as its word families joined by spaces: what the places' index stores."""
    return " ".join(family_tokens(text))
