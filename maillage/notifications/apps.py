from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "maillage.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from maillage.notifications import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
