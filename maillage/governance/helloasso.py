"""Payments imported from a HelloAsso export (the CSV of a membership campaign's orders).

HelloAsso exports use `;` and French column names. We read the columns of its membership
export — "Référence commande", "Date de la commande", "Statut de la commande", "Nom adhérent",
"Prénom adhérent", "Raison sociale", "Email payeur", "Montant tarif", "Moyen de paiement" —
and accept the shorter names of its payments export ("Numéro", "Date", "Statut", "Montant",
"Email"). A row matches a call by its organisation name (the place), else by the payer's e-mail
(a manager of a called place, or a person with an individual call). A dry run reports each row;
applying records the matched payments with the reference `helloasso:<order>`, so importing the
same file twice records nothing twice.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.governance import fees
from maillage.governance.models import FeeCall, FeePayment, FeeSchedule, PaymentMethod
from maillage.lib.csvio import unneutralize
from maillage.lib.money import parse_euros
from maillage.places.models import PlaceRole

COLUMNS = {
    "reference": ["Référence commande", "Numéro", "Référence", "Numéro de commande"],
    "date": ["Date de la commande", "Date du paiement", "Date"],
    "status": ["Statut de la commande", "Statut du paiement", "Statut"],
    "amount": ["Montant tarif", "Montant total", "Montant", "Montant (€)"],
    "organisation": ["Raison sociale", "Société", "Structure"],
    "email": ["Email payeur", "Email", "E-mail"],
    "last_name": ["Nom adhérent", "Nom payeur", "Nom"],
    "first_name": ["Prénom adhérent", "Prénom payeur", "Prénom"],
}
PAID_STATUSES = {"validé", "validée", "payé", "payée", "autorisé", "processed", "authorized"}
MAX_ROWS = 5000


class ImportRefused(fees.FeeError):
    field = "file"


@dataclass
class Row:
    line: int
    reference: str
    day: datetime.date | None
    amount_cents: int | None
    payer: str
    email: str
    organisation: str
    call: FeeCall | None = None
    problem: str = ""
    already: bool = False

    @property
    def ok(self) -> bool:
        return not self.problem and not self.already and self.call is not None


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    recorded: int = 0

    @property
    def matched(self) -> list[Row]:
        return [r for r in self.rows if r.ok]


def _column(header: list[str], key: str) -> int | None:
    wanted = {name.casefold() for name in COLUMNS[key]}
    for index, name in enumerate(header):
        if name.strip().strip("\ufeff").casefold() in wanted:
            return index
    return None


def _date(text: str) -> datetime.date | None:
    text = text.strip()[:10]
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def read(*, text: str, schedule: FeeSchedule) -> Report:
    """Read a HelloAsso export and match its rows to the schedule's calls (nothing written)."""
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    if not reader:
        raise ImportRefused(_("Le fichier est vide."))
    header = reader[0]
    index = {key: _column(header, key) for key in COLUMNS}
    missing = [COLUMNS[k][0] for k in ("reference", "amount") if index[k] is None]
    if missing:
        raise ImportRefused(
            _("Colonnes introuvables : %(c)s. Est-ce bien un export HelloAsso ?")
            % {"c": ", ".join(missing)}
        )
    if len(reader) - 1 > MAX_ROWS:
        raise ImportRefused(_("Plus de %(n)s lignes : découpez le fichier.") % {"n": MAX_ROWS})
    calls = list(schedule.calls.select_related("place", "person"))
    by_place_name = {c.place.name.casefold(): c for c in calls if c.place}
    emails: dict[str, FeeCall] = {}
    for c in calls:
        if c.person is not None:
            emails[c.person.email.casefold()] = c
    managers = PlaceRole.objects.filter(
        role=PlaceRole.Role.MANAGER, place__in=[c.place for c in calls if c.place]
    ).values_list("user__email", "place_id")
    by_place_id = {c.place_id: c for c in calls if c.place_id}
    for email, place_id in managers:
        emails.setdefault(email.casefold(), by_place_id[place_id])
    known = set(
        FeePayment.objects.filter(
            method=PaymentMethod.ONLINE, reference__startswith="helloasso:"
        ).values_list("reference", flat=True)
    )
    report = Report()
    for number, cells in enumerate(reader[1:], start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            i = index[key]
            return unneutralize(cells[i])[0].strip() if i is not None and i < len(cells) else ""

        try:
            amount: int | None = parse_euros(cell("amount"))
        except ValueError:
            amount = None
        row = Row(
            line=number,
            reference=cell("reference"),
            day=_date(cell("date")),
            amount_cents=amount,
            payer=f"{cell('first_name')} {cell('last_name')}".strip(),
            email=cell("email"),
            organisation=cell("organisation"),
        )
        status = cell("status").casefold()
        if status and status not in PAID_STATUSES:
            row.problem = _("Paiement « %(s)s » : ignoré.") % {"s": cell("status")}
        elif not row.reference:
            row.problem = _("Sans référence de commande.")
        elif amount is None or amount <= 0:
            row.problem = _("Montant illisible.")
        else:
            row.call = by_place_name.get(row.organisation.casefold()) or emails.get(
                row.email.casefold()
            )
            if row.call is None:
                row.problem = _("Aucun appel de cotisation ne correspond (lieu ni e-mail).")
            elif f"helloasso:{row.reference}" in known:
                row.already = True
        report.rows.append(row)
    return report


def apply(*, by: User, text: str, schedule: FeeSchedule) -> Report:
    """Record the payments of the matched rows (each once); return the report."""
    report = read(text=text, schedule=schedule)
    today = timezone.localdate()
    for row in report.matched:
        assert row.call is not None and row.amount_cents is not None
        fees.record_payment(
            by=by,
            call=row.call,
            network=schedule.network,
            data=fees.PaymentData(
                amount_cents=row.amount_cents,
                method=PaymentMethod.ONLINE,
                reference=f"helloasso:{row.reference}",
                paid_on=min(row.day or today, today),
                payer_name=row.organisation or row.payer,
            ),
        )
        report.recorded += 1
    return report
