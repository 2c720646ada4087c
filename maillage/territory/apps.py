from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "maillage.territory"
    default_auto_field = "django.db.models.BigAutoField"
