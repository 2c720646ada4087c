"""What an import reads and writes: the place fields, their kinds, the outcomes of a row."""

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

# A long job reports (done, total) as it goes.
Progress = Callable[[int, int], None]

SIMILAR_NAME_RATIO = 0.85
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FIELDS = [
    "name",
    "address",
    "commune_name",
    "description",
    "website",
    "email",
    "opening_hours",
]
# The place fields an import sets (only when the file gives a value: an empty cell never
# erases what a manager wrote).
IMPORTED_FIELDS = [
    "name",
    "types",
    "address",
    "postal_code",
    "commune_id",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
    "opening_hours",
    "opening_hours_note",
    "summary",
    "status",
    "address_complement",
    "accessibility_note",
    "acceslibre_url",
    "access_step_free",
    "access_toilets",
    "access_parking",
    "access_hearing_loop",
    "access_public_transport",
    "source",
    "extra",
    "source_format",
    "source_producer",
    "source_licence",
    "siret",
    "tags",
    "last_confirmed_at",
]
BOOLEAN_FIELDS = {
    "access_step_free",
    "access_toilets",
    "access_parking",
    "access_hearing_loop",
    "access_public_transport",
}
TEXT_EXTRAS = {
    "summary": 280,
    "address_complement": 250,
    "opening_hours_note": 250,
    "accessibility_note": 2000,
    "acceslibre_url": 200,
    "source_format": 20,
    "source_producer": 200,
    "source_licence": 100,
}
# Where an import found a place; our own export carries them (the import's are not used then).
SOURCE_FIELDS = ("source_format", "source_producer", "source_licence")


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"

    ALL = [CREATED, UPDATED, UNCHANGED, DUPLICATE, REJECTED]

    @staticmethod
    def label(outcome: str) -> str:
        return {
            Outcome.CREATED: _("à créer"),
            Outcome.UPDATED: _("à mettre à jour"),
            Outcome.UNCHANGED: _("inchangé"),
            Outcome.DUPLICATE: _("doublon probable (fusion proposée)"),
            Outcome.REJECTED: _("refusé"),
        }[outcome]


def max_import_bytes() -> int:
    return settings.MAX_IMPORT_BYTES
