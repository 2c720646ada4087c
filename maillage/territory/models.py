from django.db import models
from django.utils.translation import gettext_lazy as _


class CommuneQuerySet(models.QuerySet["Commune"]):
    def with_postal_code(self, postal_code: str) -> "CommuneQuerySet":
        # Postal codes are stored `|`-joined with leading and trailing bars: "|59500|59501|".
        return self.filter(postal_codes__contains=f"|{postal_code}|")


class Commune(models.Model):
    """A French commune (or Paris/Lyon/Marseille arrondissement) from the official COG."""

    class Zone(models.TextChoices):
        METRO = "metro", _("Métropole")
        DROM = "drom", _("Outre-mer (DROM)")
        COM = "com", _("Collectivité d'outre-mer")

    code_insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=120, db_index=True)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=30)
    parent_code = models.CharField(_("commune parente"), max_length=5, blank=True)
    department_code = models.CharField(_("code département"), max_length=3, db_index=True)
    department = models.CharField(_("département"), max_length=80)
    region_code = models.CharField(_("code région"), max_length=3, db_index=True)
    region = models.CharField(_("région"), max_length=80)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices)
    epci_code = models.CharField(_("code EPCI"), max_length=9, blank=True, db_index=True)
    epci = models.CharField(_("EPCI"), max_length=200, blank=True)
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.department_code})"

    @property
    def postal_code_list(self) -> list[str]:
        return [code for code in self.postal_codes.split("|") if code]


class FormerCommuneCode(models.Model):
    """An INSEE code that existed before a merger, pointing to today's commune."""

    old_code = models.CharField(_("ancien code"), max_length=5, db_index=True)
    old_name = models.CharField(_("ancien nom"), max_length=120, blank=True)
    kind = models.CharField(_("type"), max_length=30)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_codes")

    class Meta:
        verbose_name = _("ancien code commune")
        verbose_name_plural = _("anciens codes commune")
        constraints = [
            models.UniqueConstraint(
                fields=["old_code", "kind", "commune"], name="unique_former_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.commune_id}"
