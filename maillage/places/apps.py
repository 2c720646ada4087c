from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "maillage.places"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.places import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
