from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The figures of one indicator for one scope at the end of one month (a time series point).

    Written by `observatory_snapshots` (monthly, and back-filled from history where the
    indicator can look back); never edited by hand. `rows` is the indicator's breakdown as
    `[[label, value], ...]`, raw (the small-count masking is applied when shown).
    """

    scope_kind = models.CharField(_("périmètre"), max_length=12)
    scope_key = models.CharField(_("identifiant du périmètre"), max_length=220)
    indicator = models.CharField(_("indicateur"), max_length=80)
    month = models.DateField(_("mois"), help_text=_("Premier jour du mois ; chiffres à sa fin."))
    rows = models.JSONField(_("chiffres"), default=list)
    total = models.FloatField(_("total"), default=0)
    backfilled = models.BooleanField(_("reconstitué depuis l'historique"), default=False)
    computed_at = models.DateTimeField(_("calculé le"), auto_now=True)

    class Meta:
        verbose_name = _("relevé mensuel")
        verbose_name_plural = _("relevés mensuels")
        ordering = ["scope_kind", "scope_key", "indicator", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_key", "indicator", "month"],
                name="one_snapshot_per_scope_indicator_month",
            )
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_key", "month"])]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.scope_kind}:{self.scope_key} — {self.month:%Y-%m}"
