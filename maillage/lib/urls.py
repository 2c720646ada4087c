"""Absolute links for what leaves the site without a request: e-mails, feeds, exports.

`SITE_URL` (or `MAILLAGE_SITE_URL`) is the address people reach the site at; `make run` sets it
from HOST and PORT when neither is given, so the links printed at first start work.
"""

from django.conf import settings


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """`path` ("/lieux/…/") as a full link on the served site."""
    return site_url() + path
