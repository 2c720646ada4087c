"""GoGoCarto's JSON export: `{"ontology": "gogofull", "data": [...]}`."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from maillage.directory.transfer.readers.jsonfile import load_json
from maillage.directory.transfer.rows import (
    ImportRow,
    ReadResult,
    UnreadableFile,
    check_row_count,
    text,
    types_from_text,
)


def read_gogocarto(path: Path) -> ReadResult:
    """Read the elements of a GoGoCarto export; raise UnreadableFile otherwise."""
    return rows_from_gogocarto(load_json(path))


def _external_id(ident: str, *, ours: bool) -> str:
    """GoGoCarto's id, prefixed; the ids of our own export ("maillage:7") as they are."""
    if ours:
        return ident[:100]
    return f"gogocarto:{ident}"[:100]


def _row(element: dict[str, Any], number: int, *, ours: bool = False) -> ImportRow:
    geo = element.get("geo") or {}
    address = element.get("address") or {}
    if isinstance(address, str):
        address = {"streetAddress": address}
    email = text(element.get("email"))
    categories = element.get("categories") or []
    hours = element.get("openHours")
    hours_text = (
        "; ".join(f"{day} {value}" for day, value in hours.items())
        if isinstance(hours, dict)
        else ""
    )
    note = text(element.get("openHoursMoreInfos"))
    description = "\n\n".join(
        part
        for part in (text(element.get("description")), text(element.get("descriptionMore")))
        if part
    )
    row = ImportRow(
        row_number=number,
        external_id=_external_id(text(element.get("id")), ours=ours),
        name=text(element.get("name")),
        types=types_from_text("|".join(str(c) for c in categories if isinstance(c, str))),
        address=text(address.get("streetAddress")),
        postal_code=text(address.get("postalCode")),
        commune_name=text(address.get("addressLocality")),
        latitude=geo.get("latitude"),
        longitude=geo.get("longitude"),
        website=text(element.get("website")),
        # GoGoCarto answers "hidden" instead of the address to anonymous readers.
        email="" if email == "hidden" else email,
        phone=text(element.get("telephone")),
        description=description,
        opening_hours=hours_text or note,
        raw=element,
        columns={
            "name": "name",
            "address": "address.streetAddress",
            "postal_code": "address.postalCode",
            "commune_name": "address.addressLocality",
            "latitude": "geo.latitude",
            "longitude": "geo.longitude",
            "description": "description",
            "website": "website",
            "email": "email",
            "phone": "telephone",
            "opening_hours": "openHours",
        },
    )
    if hours_text and note:
        row.extra["opening_hours_note"] = note
        row.columns["opening_hours_note"] = "openHoursMoreInfos"
    if text(element.get("summary")):
        # Maillage's own export adds the one-sentence summary.
        row.extra["summary"] = text(element.get("summary"))
        row.columns["summary"] = "summary"
    return row


def rows_from_gogocarto(data: Any) -> ReadResult:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise UnreadableFile(
            _('Cet export GoGoCarto n\'a pas la forme attendue : {"ontology": …, "data": […]}.')
        )
    check_row_count(len(data["data"]))
    rows = [
        _row(element, number, ours=data.get("generator") == "Maillage")
        for number, element in enumerate(data["data"], start=1)
        if isinstance(element, dict)
    ]
    notices = [_("Export GoGoCarto (ontologie « %(o)s »).") % {"o": text(data.get("ontology"))}]
    return ReadResult(rows=rows, notices=notices)
