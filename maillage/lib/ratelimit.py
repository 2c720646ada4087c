"""Rate limits on what anyone may do without an account (and that writes or sends e-mail).

A limit counts hits per scope and key (the client's address, the e-mail address written to, the
object aimed at) in fixed windows in the cache shared by every app server; past its count the
action raises `Throttled`, a refusal the page shows like any other, with status 429. Limits are
settings (`MAILLAGE_RATE_LIMITS`, docs/settings.md) written "count/period": `5/10m`, `20/h`, `100/d`.
The client's address is the one login throttling uses (lib/client_ip.py), so one proxy setting
(`MAILLAGE_TRUSTED_PROXIES`) serves both.
"""

import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from maillage.lib.client_ip import client_ip
from maillage.lib.refusals import Refusal

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


class Throttled(Refusal):
    message = _(
        "Trop de demandes en peu de temps depuis cette adresse ou vers ce destinataire : "
        "réessayez un peu plus tard."
    )
    status = 429


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "5/10m" → 5 per 600 seconds; raise ValueError on anything else."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"rate limit {text!r}: write it like 5/10m, 20/h or 100/d")
        count, number, unit = match.groups()
        return cls(int(count), int(number or 1) * _UNITS[unit])


def consume(*, scope: str, key: str, rate: Rate | str) -> None:
    """Count one hit of `key` in `scope`; raise Throttled past the rate."""
    if isinstance(rate, str):
        rate = Rate.parse(rate)
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=rate.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=rate.seconds + 1)
            count = 1
    if count > rate.count:
        raise Throttled()


def limit_anonymous_action(request: HttpRequest, action: str, **targets: object) -> None:
    """Apply the configured limits of `action`: per client address, and per each target.

    `MAILLAGE_RATE_LIMITS[action]` maps "ip" and each target name to a rate, e.g.
    `{"ip": "10/h", "email": "3/h", "occurrence": "60/h"}`; a target without a rate is not
    limited. Every limit is counted before any raises, so hammering one target still counts
    against the address.
    """
    rates = settings.MAILLAGE_RATE_LIMITS.get(action, {})
    refused: Throttled | None = None
    for name, value in [("ip", client_ip(request)), *targets.items()]:
        rate = rates.get(name)
        if rate is None:
            continue
        try:
            consume(scope=f"{action}:{name}", key=str(value), rate=rate)
        except Throttled as exc:
            refused = exc
    if refused is not None:
        raise refused


# The allauth pages (login, sign-up, password reset…) throttled per address or per person, by the
# name of their URL: the 429 page reads their counters to say how long to wait.
_ALLAUTH_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
    "account_request_login_code": "request_login_code",
}


def allauth_retry_after(request: HttpRequest) -> float | None:
    """Seconds until an allauth page throttled for this request accepts it again, or None.

    Reads allauth's sliding-window counters (timestamps, newest first) for the rates of the
    page's action that count per address or per person; None when the page is not one of those
    or nothing is known. Best effort: allauth's internals may change, so any error is "unknown".
    """
    match = getattr(request, "resolver_match", None)
    action = _ALLAUTH_ACTIONS.get(getattr(match, "url_name", None) or "")
    if action is None:
        return None
    try:
        from allauth.core.internal import ratelimit as allauth_ratelimit

        now = time.time()
        waits = []
        for rate in allauth_ratelimit.get_rates(app="allauth.account", action=action):
            if rate.per == "user" and not request.user.is_authenticated:
                continue
            if rate.per not in ("ip", "user"):
                continue
            cache_key = allauth_ratelimit.get_cache_key(
                request, app="allauth.account", action=action, rate=rate
            )
            history = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
            if len(history) >= rate.amount:
                waits.append(history[rate.amount - 1] + rate.duration - now)
    except Exception:  # a private API: "unknown" rather than a broken error page
        return None
    return max(waits) if waits else None
