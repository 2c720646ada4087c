"""Imports of directory files: a dry run that judges every row, then one atomic apply.

The dry run never writes a place. It reads the file, resolves each row's commune from
in-memory dictionaries of the gazetteer (one query, not one per row), checks it with the same
rules as the place form, and records a per-row report on the ImportRun. Applying reads the file
again and re-judges it against the directory as it is now, inside one transaction: any error
leaves the directory as it was.

The work is split by job: `fields` (what is read and written), `gazetteer` (communes),
`known` (existing places), `judge` (one row, then all), `runs` (upload, dry run, apply,
restarts). This module gathers their public names for the views, the command and the tasks.
"""

from maillage.directory.transfer.fields import (  # noqa: F401
    BOOLEAN_FIELDS,
    FORMULA_PREFIXES,
    IMPORTED_FIELDS,
    SIMILAR_NAME_RATIO,
    TEXT_EXTRAS,
    TEXT_FIELDS,
    Outcome,
    max_import_bytes,
)
from maillage.directory.transfer.gazetteer import (  # noqa: F401
    CommuneIndex,
    Resolution,
    resolve_commune,
)
from maillage.directory.transfer.judge import (  # noqa: F401
    RowResult,
    analyse,
    check_row,
    compare,
    parse_osm_hours,
    summarize,
)
from maillage.directory.transfer.known import (  # noqa: F401
    Known,
    PlaceIndex,
)
from maillage.directory.transfer.runs import (  # noqa: F401
    MAPPABLE_STATUSES,
    STALE_AFTER,
    apply_mapping,
    apply_run,
    dry_run,
    file_origin,
    queue_apply,
    recover_stale_runs,
    restart_run,
    start_import,
)
