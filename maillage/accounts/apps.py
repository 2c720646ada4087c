from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.accounts import data_sections, receivers  # noqa: F401 (connects them)

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
