"""Where files no URL may serve are kept: the "private" storage (see STORAGES in settings).

Files there are sent only by views that check who asks (`FileResponse` after a permission
check); on one server it is a folder outside MEDIA_ROOT, on several an object store.
"""

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    return storages["private"]
