"""Where files no URL may serve are kept: the "private" storage (see STORAGES in settings).

Files there are sent only by views that check who asks (`FileResponse` after a permission
check); on one server it is a folder outside MEDIA_ROOT, on several an object store.
"""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import Storage, storages
from django.db.models.fields.files import FieldFile


def private_storage() -> Storage:
    """The storage itself; give the callable to a FileField (`storage=private_storage`), so a
    migration never freezes a location or a bucket."""
    return storages["private"]


@contextlib.contextmanager
def local_path(stored: FieldFile) -> Iterator[Path]:
    """A path on this machine to read a stored file: its own on a disk storage, else a
    temporary copy (an object store has no paths), removed afterwards."""
    try:
        own = Path(stored.path)
    except NotImplementedError:
        own = None
    if own is not None:
        yield own
        return
    suffix = Path(stored.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, stored.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)
