from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "maillage.networks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from maillage.networks import data_sections
        from maillage.networks.models import Network, NetworkRole
        from maillage.networks.selectors import forget_coordinated_networks

        for model in (Network, NetworkRole):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_coordinated_networks,
                    sender=model,
                    dispatch_uid=f"memo-{model.__name__}-{signal is post_save}",
                )

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
