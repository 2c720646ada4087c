"""Loading a JSON file with a clear message when it is not one."""

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from maillage.directory.transfer.rows import UnreadableFile


def load_json(path: Path) -> Any:
    """The parsed JSON (UTF-8, BOM tolerated); raise UnreadableFile otherwise."""
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _("Ce fichier JSON n'est pas en UTF-8 : réenregistrez-le en UTF-8.")
        ) from exc
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            _("Ce fichier n'est pas un JSON valide (ligne %(line)s, colonne %(col)s).")
            % {"line": exc.lineno, "col": exc.colno}
        ) from exc
