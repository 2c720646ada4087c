"""Move the ledger's rows out of mobility, ids kept, citations made generic.

Accounts: a place's, a member's or a circle's account becomes owned by that object; the pool,
funders and outside parties stay named accounts. Transfers: the booking, pass, envelope or
expense they cited becomes their cause; the decision, their authority. Balances are copied as
they were, so `ledger_check` gives the same report before and after (tested in
`ledger/tests/test_move_from_mobility.py`). Reversible: going back copies the rows home.
"""

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations

BATCH = 5_000

# Old foreign key on mobility.Transfer → (app label, model) of the generic citation.
CAUSES = {
    "booking_id": ("mobility", "booking"),
    "pass_fee_id": ("mobility", "pass"),
    "envelope_id": ("circles", "envelope"),
    "expense_id": ("circles", "expense"),
}
OWNERS = {
    "place": ("place_id", ("places", "place")),
    "member": ("user_id", tuple(settings.AUTH_USER_MODEL.lower().split("."))),
    "circle": ("circle_id", ("circles", "circle")),
}


def _type_ids(apps) -> dict[tuple[str, str], int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    wanted = {*CAUSES.values(), ("circles", "decision"), *(o[1] for o in OWNERS.values())}
    return {
        key: content_type.objects.get_or_create(app_label=key[0], model=key[1])[0].pk
        for key in wanted
    }


def _keep_dates(*models) -> None:
    # Historical models still stamp auto_now_add fields on insert: keep the original dates.
    for model in models:
        for field in model._meta.fields:
            if getattr(field, "auto_now_add", False):
                field.auto_now_add = False


def _reset_sequences(schema_editor, *models) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def _batches(queryset):
    batch = []
    for row in queryset.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def forward(apps, schema_editor):
    old_account = apps.get_model("mobility", "Account")
    old_transfer = apps.get_model("mobility", "Transfer")
    account = apps.get_model("ledger", "Account")
    transfer = apps.get_model("ledger", "Transfer")
    if not old_account.objects.exists():
        return
    types = _type_ids(apps)
    _keep_dates(account, transfer)
    for rows in _batches(old_account.objects.values()):
        new = []
        for row in rows:
            owner_field, owner_key = OWNERS.get(row["kind"], (None, None))
            owner_id = row[owner_field] if owner_field else None
            new.append(
                account(
                    pk=row["id"],
                    network_id=row["network_id"],
                    kind=row["kind"],
                    owner_type_id=types[owner_key] if owner_id is not None else None,
                    owner_id=owner_id,
                    label=row["label"],
                    balance_cents=row["balance_cents"],
                    created_at=row["created_at"],
                )
            )
        account.objects.bulk_create(new)
    for rows in _batches(old_transfer.objects.values()):
        new = []
        for row in rows:
            causes = [(key, row[field]) for field, key in CAUSES.items() if row[field] is not None]
            if len(causes) > 1:
                raise RuntimeError(f"transfer {row['id']} cites several causes: {causes}")
            cause_key, cause_id = causes[0] if causes else (None, None)
            new.append(
                transfer(
                    pk=row["id"],
                    debit_id=row["debit_id"],
                    credit_id=row["credit_id"],
                    amount_cents=row["amount_cents"],
                    reason=row["reason"],
                    memo=row["memo"],
                    cause_type_id=types[cause_key] if cause_key else None,
                    cause_id=cause_id,
                    authority_type_id=types[("circles", "decision")] if row["decision_id"] else None,
                    authority_id=row["decision_id"],
                    idempotency_key=row["idempotency_key"],
                    reverses_id=row["reverses_id"],
                    created_by_id=row["created_by_id"],
                    created_at=row["created_at"],
                )
            )
        transfer.objects.bulk_create(new)
    _reset_sequences(schema_editor, account, transfer)


def backward(apps, schema_editor):
    old_account = apps.get_model("mobility", "Account")
    old_transfer = apps.get_model("mobility", "Transfer")
    account = apps.get_model("ledger", "Account")
    transfer = apps.get_model("ledger", "Transfer")
    if not account.objects.exists():
        return
    types = {pk: key for key, pk in _type_ids(apps).items()}
    fields = {key: field for field, key in CAUSES.items()}
    _keep_dates(old_account, old_transfer)
    for rows in _batches(account.objects.values()):
        new = []
        for row in rows:
            owner = {}
            if row["kind"] in OWNERS:
                owner = {OWNERS[row["kind"]][0]: row["owner_id"]}
            new.append(
                old_account(
                    pk=row["id"],
                    network_id=row["network_id"],
                    kind=row["kind"],
                    label=row["label"],
                    balance_cents=row["balance_cents"],
                    created_at=row["created_at"],
                    **owner,
                )
            )
        old_account.objects.bulk_create(new)
    for rows in _batches(transfer.objects.values()):
        new = []
        for row in rows:
            cause = {}
            if row["cause_type_id"] is not None:
                cause = {fields[types[row["cause_type_id"]]]: row["cause_id"]}
            new.append(
                old_transfer(
                    pk=row["id"],
                    debit_id=row["debit_id"],
                    credit_id=row["credit_id"],
                    amount_cents=row["amount_cents"],
                    reason=row["reason"],
                    memo=row["memo"],
                    decision_id=row["authority_id"],
                    idempotency_key=row["idempotency_key"],
                    reverses_id=row["reverses_id"],
                    created_by_id=row["created_by_id"],
                    created_at=row["created_at"],
                    **cause,
                )
            )
        old_transfer.objects.bulk_create(new)
    _reset_sequences(schema_editor, old_account, old_transfer)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("mobility", "0004_settlement_indexes"),
        ("circles", "0004_expense_reversal"),
        ("places", "0004_updated_at_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
