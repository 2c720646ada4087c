from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "maillage.networks"
    default_auto_field = "django.db.models.BigAutoField"
