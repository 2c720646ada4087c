"""What the ledger's clients declare, so the ledger itself imports none of them.

A client app (mobility, circles, later fees or campaigns) registers, from its `AppConfig.ready`:
the reasons of its transfers and the kinds of its accounts (codes with a translatable label,
as `TextChoices`), and the models its transfers cite or its accounts belong to, which the
ledger then protects from deletion (a cited booking or decision, an account's place, must
outlive the money that points at it — what a foreign key's PROTECT did before the ledger was
generic). It may also register checks: functions returning the problems between its own
records and the ledger (an empty list when they agree), which `ledger_check` runs.
"""

from collections.abc import Callable

from django.db import models

_reasons: dict[str, str] = {}
_account_kinds: dict[str, str] = {}
_citable: set[type[models.Model]] = set()
_checks: list[Callable[[], list[str]]] = []


def register(
    *,
    reasons: type[models.TextChoices] | None = None,
    account_kinds: type[models.TextChoices] | None = None,
    citable: tuple[type[models.Model], ...] = (),
    checks: tuple[Callable[[], list[str]], ...] = (),
) -> None:
    """Declare a client's transfer reasons, account kinds, cited models and checks (once per app)."""
    for check in checks:
        if check not in _checks:
            _checks.append(check)
    if reasons is not None:
        _reasons.update({value: label for value, label in reasons.choices})
    if account_kinds is not None:
        _account_kinds.update({value: label for value, label in account_kinds.choices})
    for model in citable:
        if model not in _citable:
            _citable.add(model)
            # Per sender, so models nobody cites keep Django's fast deletes.
            from maillage.ledger import guards

            guards.protect(model)


def reason_label(code: str) -> str:
    return str(_reasons.get(code, code))


def account_kind_label(code: str) -> str:
    return str(_account_kinds.get(code, code))


def client_checks() -> list[Callable[[], list[str]]]:
    return list(_checks)
