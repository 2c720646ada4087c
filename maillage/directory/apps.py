from django.apps import AppConfig, apps


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from maillage.directory import receivers  # noqa: F401 — connects to places' signals
        from maillage.directory.search import people_index, version

        # After every migrate (SQLite drops triggers when a migration rebuilds their table). Sent
        # per app with models only: this one has none, so listen to the places app's.
        places = apps.get_app_config("places")
        post_migrate.connect(
            version.install_after_migrate, sender=places, dispatch_uid="directory-version"
        )
        post_migrate.connect(
            people_index.install_after_migrate, sender=places, dispatch_uid="people-index"
        )
