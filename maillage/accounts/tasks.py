"""Background work of accounts: a person's data download, the retention periods."""

from django.tasks import task

from maillage.accounts import personal_data
from maillage.accounts.models import DataExport


@task()
def build_data_export(export_id: int) -> None:
    export = DataExport.objects.filter(pk=export_id).select_related("user").first()
    if export is not None:
        personal_data.build_export(export=export)


@task()
def purge_personal_data() -> dict[str, int]:
    return personal_data.purge()
