import re
import unicodedata

from maillage.territory.models import Commune, CommuneQuerySet


def normalize_name(text: str) -> str:
    """Lower-case, accent-free, with hyphens and apostrophes as spaces: "Saint-Étienne" → "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    for sep in "-'\u2019":
        bare = bare.replace(sep, " ")
    return " ".join(bare.split())


def search_communes(*, query: str, limit: int = 10) -> list[Commune]:
    """Communes whose postal code starts with the digits typed, or whose name starts with the words."""
    query = query.strip()
    if len(query) < 2:
        return []
    communes: CommuneQuerySet = Commune.objects.all()
    if query.isdigit():
        if len(query) == 5:
            matches = communes.with_postal_code(query)
        else:
            matches = communes.filter(postal_codes__contains=f"|{query}")
    else:
        matches = communes.filter(search_name__startswith=normalize_name(query))
    return list(matches.order_by("-population")[:limit])


# The départements of metropolitan France and the five overseas ones (no "20": Corsica is 2A/2B).
# A fixed national list: whether the gazetteer loaded their communes or not.
DEPARTMENT_CODE = r"^(0[1-9]|1[0-9]|2[1-9]|2A|2B|[3-8][0-9]|9[0-5]|97[1-46])$"


def is_department_code(code: str) -> bool:
    return re.fullmatch(DEPARTMENT_CODE, code) is not None
