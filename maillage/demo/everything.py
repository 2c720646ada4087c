"""The whole demo installation, every part in the one order they need.

`load_demo` (the command) and the crawl test of every page build the same installation from
here, so a module's demo added once is seen by both.
"""

from pathlib import Path

from maillage.demo.accompaniment import delete_demo_services, load_demo_services
from maillage.demo.campaigns import delete_demo_campaigns, load_demo_campaigns
from maillage.demo.circles import delete_demo_circles, load_demo_circles
from maillage.demo.commons import delete_demo_commons, load_demo_commons
from maillage.demo.communication import delete_demo_communication, load_demo_communication
from maillage.demo.events import load_demo_events
from maillage.demo.governance import delete_demo_governance, load_demo_governance
from maillage.demo.mobility import delete_demo_mobility, load_demo_mobility
from maillage.demo.observatory import delete_demo_observatory, load_demo_observatory
from maillage.demo.opportunities import delete_demo_opportunities, load_demo_opportunities
from maillage.demo.photos import delete_demo_photos, load_demo_photos
from maillage.demo.services import CENSUS_FILE, DemoSummary, Progress, load_demo, with_notes


def delete_everything() -> None:
    """Remove what the places' reset cannot: rows that protect places, networks or the ledger."""
    delete_demo_photos()  # their files are not deleted with the places
    delete_demo_mobility()  # its passes and ledger rows protect the demo
    delete_demo_governance()  # its fees' ledger rows protect the network
    delete_demo_campaigns()  # their ledger rows protect places and commons, seeds circles
    delete_demo_circles()  # their ledger rows protect the demo network
    delete_demo_communication()  # its rota protects places and networks
    delete_demo_commons()  # its entries protect the demo networks
    delete_demo_services()  # its rows protect the demo networks and places
    delete_demo_opportunities()  # its calls protect the demo networks
    delete_demo_observatory()


def load_everything(
    *,
    reset: bool = False,
    census_path: Path = CENSUS_FILE,
    local_networks: int = 4,
    progress: Progress | None = None,
    photos: bool = True,
) -> DemoSummary:
    """Build the demo (idempotent; `reset` rebuilds it); call inside a transaction."""
    if reset:
        delete_everything()
    summary = load_demo(
        reset=reset, census_path=census_path, local_networks=local_networks, progress=progress
    )
    summary.logins += load_demo_circles()
    # After the circles: the demo codev group is for a circle's members.
    load_demo_events()
    summary.logins = with_notes(summary.logins, load_demo_mobility())
    summary.logins = with_notes(summary.logins, load_demo_commons())
    summary.logins = with_notes(summary.logins, load_demo_campaigns())
    summary.logins += load_demo_communication()
    summary.logins = with_notes(summary.logins, load_demo_services())
    summary.logins = with_notes(summary.logins, load_demo_opportunities())
    summary.logins += load_demo_governance()
    if photos:
        load_demo_photos()
    load_demo_observatory()  # last: its series read everything above
    return summary
