"""Loading a JSON file with a clear message when it is not one, or not a reasonable one."""

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from maillage.directory.transfer.rows import UnreadableFile

# A directory file nests a few levels (a collection, a record, an address, a list of
# services); anything deeper is not one, and would cost recursion further on.
MAX_JSON_DEPTH = 32


def load_json(path: Path) -> Any:
    """The parsed JSON (UTF-8, BOM tolerated); raise UnreadableFile otherwise."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _("Ce fichier JSON n'est pas en UTF-8 : réenregistrez-le en UTF-8.")
        ) from exc
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            _("Ce fichier n'est pas un JSON valide (ligne %(line)s, colonne %(col)s).")
            % {"line": exc.lineno, "col": exc.colno}
        ) from exc
    except RecursionError as exc:
        raise _too_deep() from exc
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        raise _too_deep()
    return data


def _too_deep() -> UnreadableFile:
    return UnreadableFile(
        _(
            "Ce fichier JSON est imbriqué sur plus de %(max)s niveaux : ce n'est pas un fichier "
            "de lieux (GeoJSON, GoGoCarto ou médiation numérique)."
        )
        % {"max": MAX_JSON_DEPTH}
    )


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
