"""Load the offline communes gazetteer shipped in `territory/data/`."""

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction

from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.selectors import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_FILE = DATA_DIR / "communes.csv.gz"
FORMER_CODES_FILE = DATA_DIR / "communes_anciens_codes.csv.gz"
BATCH = 2000

Progress = Callable[[int, int], None]


def _rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def _float(value: str) -> float | None:
    return float(value) if value else None


def _communes(rows: list[dict[str, str]]) -> Iterator[Commune]:
    for row in rows:
        codes = row["codes_postaux"]
        yield Commune(
            code_insee=row["code_insee"],
            name=row["nom"],
            search_name=normalize_name(row["nom"]),
            kind=row["type"],
            parent_code=row["commune_parente"],
            department_code=row["code_departement"],
            department=row["departement"],
            region_code=row["code_region"],
            region=row["region"],
            zone=row["zone"],
            epci_code=row["code_epci"],
            epci=row["epci"],
            postal_codes=f"|{codes}|" if codes else "",
            population=int(row["population"] or 0),
            latitude=_float(row["latitude"]),
            longitude=_float(row["longitude"]),
        )


def load_communes(*, progress: Progress | None = None) -> tuple[int, int]:
    """Insert or update every commune and former code; return (communes, former codes)."""
    rows = _rows(COMMUNES_FILE)
    former_rows = _rows(FORMER_CODES_FILE)
    fields = [f.name for f in Commune._meta.concrete_fields if not f.primary_key]
    communes = list(_communes(rows))
    with transaction.atomic():
        for start in range(0, len(communes), BATCH):
            Commune.objects.bulk_create(
                communes[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["code_insee"],
                update_fields=fields,
            )
            if progress:
                progress(min(start + BATCH, len(communes)), len(communes))
        known = set(Commune.objects.values_list("code_insee", flat=True))
        FormerCommuneCode.objects.all().delete()
        FormerCommuneCode.objects.bulk_create(
            [
                FormerCommuneCode(
                    old_code=row["ancien_code"],
                    old_name=row["ancien_nom"],
                    kind=row["type"],
                    commune_id=row["code_insee_actuel"],
                )
                for row in former_rows
                if row["code_insee_actuel"] in known
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    return len(communes), FormerCommuneCode.objects.count()
