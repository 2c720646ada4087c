"""What the words of a search mean: a place type, a commune, or words to look for.

"tiers-lieu Brest" is a visitor asking for the places near Brest, not for places whose text
holds both words; "coworking saint malo" asks for coworkings near Saint-Malo. The words that
name a type or a commune become those filters (the page says so and offers to search the words
as typed); "tiers-lieu", which every place of the directory is, is dropped.
"""

import re
from dataclasses import dataclass

from maillage.lib.french_stem import STOP_WORDS, stem, unaccent
from maillage.places.models import PlaceType
from maillage.territory.models import Commune

# Phrases naming a place type (compared word by word, accents, case and plurals aside).
TYPE_PHRASES: dict[str, str] = {
    "fablab": PlaceType.FABLAB,
    "fab lab": PlaceType.FABLAB,
    "makerspace": PlaceType.FABLAB,
    "hackerspace": PlaceType.FABLAB,
    "coworking": PlaceType.COWORKING,
    "co working": PlaceType.COWORKING,
    "ressourcerie": PlaceType.RESSOURCERIE,
    "recyclerie": PlaceType.RESSOURCERIE,
    "repair café": PlaceType.REPAIR,
    "living lab": PlaceType.LIVING_LAB,
    "fabrique de territoire": PlaceType.FABRIQUE,
    "tiers lieu rural": PlaceType.RURAL_HUB,
    "café associatif": PlaceType.CAFE,
    "médiation numérique": PlaceType.NUMERIQUE,
}
# What every place of the directory is: these words narrow nothing.
GENERIC_PHRASES = ("tiers lieu", "tierslieu")
OPEN_PHRASES: dict[str, str] = {"ouvert maintenant": "now", "ouvert aujourd'hui": "today"}
for _day, _code in (
    ("lundi", "mo"),
    ("mardi", "tu"),
    ("mercredi", "we"),
    ("jeudi", "th"),
    ("vendredi", "fr"),
    ("samedi", "sa"),
    ("dimanche", "su"),
):
    OPEN_PHRASES[f"ouvert {_day}"] = _code
    OPEN_PHRASES[f"ouvert le {_day}"] = _code
    OPEN_PHRASES[f"ouvert les {_day}s"] = _code
MAX_COMMUNE_WORDS = 4
# A commune named by one word only counts from this population (or when typed capitalised):
# "bois" or "ham" are more often words than villages.
MIN_ONE_WORD_POPULATION = 2000

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Understanding:
    typed: str  # the words as typed
    words: str  # what is left to look for in the text
    types: tuple[str, ...] = ()
    type_words: tuple[str, ...] = ()
    commune: Commune | None = None
    commune_words: str = ""
    dropped: tuple[str, ...] = ()
    radius_km: int | None = None  # the radius given to the commune, none having been asked
    open: str = ""  # "now" or a day code, from "ouvert maintenant", "ouvert le samedi"
    open_words: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.types or self.commune is not None or self.dropped or self.open)


def _key(word: str) -> str:
    return stem(unaccent(word))


def _keys(phrase: str) -> tuple[str, ...]:
    return tuple(_key(word) for word in _WORD.findall(phrase))


TYPE_WORDS: dict[tuple[str, ...], str] = {_keys(p): code for p, code in TYPE_PHRASES.items()}
GENERIC_WORDS: dict[tuple[str, ...], str] = {_keys(p): "" for p in GENERIC_PHRASES}
OPEN_WORDS: dict[tuple[str, ...], str] = {_keys(p): code for p, code in OPEN_PHRASES.items()}


def understand(text: str, *, find_types: bool, find_commune: bool) -> Understanding:
    """Split the words into a place type, a commune and the rest."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [text[a:b] for a, b in spans]

    def typed(i: int, n: int) -> str:
        return text[spans[i][0] : spans[i + n - 1][1]]

    keys = [_key(word) for word in words]
    used = [False] * len(words)
    types: list[str] = []
    type_words: list[str] = []
    dropped: list[str] = []

    def take(
        sequences: dict[tuple[str, ...], str] | tuple[tuple[str, ...], ...],
    ) -> list[tuple[int, int, tuple[str, ...]]]:
        found = []
        i = 0
        longest_first = sorted(sequences, key=len, reverse=True)
        while i < len(words):
            for sequence in longest_first:
                n = len(sequence)
                if not any(used[i : i + n]) and tuple(keys[i : i + n]) == sequence:
                    found.append((i, n, sequence))
                    for j in range(i, i + n):
                        used[j] = True
                    i += n - 1
                    break
            i += 1
        return found

    for i, n, _sequence in take(GENERIC_WORDS):
        dropped.append(typed(i, n))
    open_code, open_words = "", ""
    for i, n, sequence in take(OPEN_WORDS)[:1]:
        open_code, open_words = OPEN_WORDS[sequence], typed(i, n)
    if open_code == "today":
        from django.utils import timezone

        open_code = ("mo", "tu", "we", "th", "fr", "sa", "su")[timezone.localtime().weekday()]
    if find_types:
        found = take(TYPE_WORDS)
        if all(used):
            # Only a type's name ("recyclerie"): searched as words, it finds the places of
            # that type (their type is in the text) and those naming themselves so.
            for i, n, _sequence in found:
                for j in range(i, i + n):
                    used[j] = False
            found = []
        for i, n, sequence in found:
            code = TYPE_WORDS[sequence]
            if code not in types:
                types.append(code)
            type_words.append(typed(i, n))
    commune, commune_words = None, ""
    if find_commune:
        commune, span = _commune(words, used)
        if commune is not None and span is not None:
            start, n = span
            commune_words = typed(start, n)
            for j in range(start, start + n):
                used[j] = True
    rest = " ".join(word for word, was_used in zip(words, used, strict=True) if not was_used)
    return Understanding(
        typed=text,
        words=rest if (types or commune is not None or dropped or open_code) else text,
        types=tuple(types),
        type_words=tuple(type_words),
        commune=commune,
        commune_words=commune_words,
        dropped=tuple(dropped),
        open=open_code,
        open_words=open_words,
    )


def _commune(words: list[str], used: list[bool]) -> tuple[Commune | None, tuple[int, int] | None]:
    """The commune named by the longest run of free words (one query), if any."""
    from maillage.territory.selectors import normalize_name

    candidates: dict[str, list[tuple[int, int]]] = {}
    for start in range(len(words)):
        for n in range(1, MAX_COMMUNE_WORDS + 1):
            if start + n > len(words) or any(used[start : start + n]):
                break
            run = words[start : start + n]
            if n == 1 and (unaccent(run[0]) in STOP_WORDS or len(run[0]) < 3):
                continue
            if run[-1].isdigit() and not (n == 1 and len(run[0]) == 5):
                continue
            candidates.setdefault(normalize_name(" ".join(run)), []).append((start, n))
    if not candidates:
        return None, None
    postal = {name for name in candidates if name.isdigit() and len(name) == 5}
    communes = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
    found: dict[str, Commune] = {}
    names = [name for name in candidates if name not in postal]
    for commune in communes.filter(search_name__in=names).order_by("-population"):
        found.setdefault(commune.search_name, commune)
    for code in postal:
        from maillage.directory.search.filters import postal_code_index

        pk = postal_code_index().get(code)
        by_code = None if pk is None else communes.filter(pk=pk).first()
        if by_code is not None:
            found[code] = by_code
    best: tuple[int, int, Commune] | None = None
    for name, commune in found.items():
        for start, n in candidates[name]:
            one_word = n == 1 and not name.isdigit()
            if (
                one_word
                and commune.population < MIN_ONE_WORD_POPULATION
                and not words[start][:1].isupper()
            ):
                continue
            if best is None or (n, commune.population) > (best[1], best[2].population):
                best = (start, n, commune)
    if best is None:
        return None, None
    return best[2], (best[0], best[1])
