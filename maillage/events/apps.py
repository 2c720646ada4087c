from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "maillage.events"
    verbose_name = _("Animations")

    def ready(self) -> None:
        from maillage.events import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
