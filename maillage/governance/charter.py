"""The versioned charter: the network's text in force stays on the network (`Network.charter`,
`charter_version`, raised at each change); each version is recorded with the proposal whose
adoption made it, and each membership records the version its place accepted."""

import datetime
import difflib
from dataclasses import dataclass

from django.utils import timezone

from maillage.accounts.models import User
from maillage.governance.models import CharterVersion, Proposal
from maillage.networks.models import Network
from maillage.networks.selectors import charter_versions_accepted
from maillage.networks.services import NetworkData, update_network


def adopt_charter_change(*, by: User, proposal: Proposal) -> CharterVersion:
    """Make an adopted charter change the network's charter in force, as its next version.

    Called inside the decision's transaction. The version in force is recorded first when it
    was never recorded (the original text, or one written by hand on the network's page)."""
    network = Network.objects.select_for_update().get(pk=proposal.space.network_id)
    CharterVersion.objects.get_or_create(
        network=network, number=network.charter_version, defaults={"text": network.charter}
    )
    text = proposal.charter_text.strip()
    if text != network.charter.strip():
        # update_network raises the version number: memberships keep the one they accepted.
        network = update_network(network=network, by=by, data=NetworkData(charter=text))
    version, _created = CharterVersion.objects.update_or_create(
        network=network,
        number=network.charter_version,
        defaults={"text": text, "adopted_on": timezone.localdate(), "proposal": proposal},
    )
    return version


@dataclass(frozen=True)
class CharterEntry:
    number: int
    text: str
    adopted_on: datetime.date | None
    proposal: Proposal | None
    accepted_by: int  # member places whose membership records this version
    in_force: bool


def charter_history(*, network: Network) -> list[CharterEntry]:
    """Every known version, newest first; the text in force even if never recorded."""
    accepted = charter_versions_accepted(network=network)
    rows = list(
        CharterVersion.objects.filter(network=network)
        .select_related("proposal")
        .order_by("-number")
    )
    entries = [
        CharterEntry(
            number=row.number,
            text=row.text,
            adopted_on=row.adopted_on,
            proposal=row.proposal,
            accepted_by=accepted.get(row.number, 0),
            in_force=row.number == network.charter_version,
        )
        for row in rows
    ]
    if not any(entry.in_force for entry in entries):
        entries.insert(
            0,
            CharterEntry(
                number=network.charter_version,
                text=network.charter,
                adopted_on=None,
                proposal=None,
                accepted_by=accepted.get(network.charter_version, 0),
                in_force=True,
            ),
        )
    return entries


def previous_text(version: CharterVersion) -> str | None:
    """The text a version replaced, when it was recorded."""
    before = (
        CharterVersion.objects.filter(network_id=version.network_id, number__lt=version.number)
        .order_by("-number")
        .values_list("text", flat=True)
        .first()
    )
    return before


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def charter_diff(old: str, new: str) -> list[DiffLine]:
    """Line by line: what stays, what goes, what comes."""
    before, after = old.strip().splitlines(), new.strip().splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", line) for line in before[a1:a2]]
            continue
        lines += [DiffLine("removed", line) for line in before[a1:a2]]
        lines += [DiffLine("added", line) for line in after[b1:b2]]
    return lines
