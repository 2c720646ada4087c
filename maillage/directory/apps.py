from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.directory import receivers  # noqa: F401 — connects to places' signals
