from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.lib.validators import single_line, validate_phone


class OpenDataLicence(models.TextChoices):
    ETALAB = "etalab-2.0", _("Licence Ouverte / Open Licence 2.0 (Etalab)")
    ODBL = "odbl", _("Open Database License (ODbL)")


class TransparencyPeople(models.TextChoices):
    """How the public transparency pages of the network's circles name the people they pay."""

    NAME = "name", _("Par leur nom (ils en sont informés en prenant leur rôle)")
    ROLE = "role", _("Par leur rôle seulement (« Contributeur·rice », « Soucieux·se »…)")


class Network(models.Model):
    """A network of tiers-lieux: national, regional, departmental or local, possibly nested."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Régional")
        DEPARTMENTAL = "departmental", _("Départemental")
        LOCAL = "local", _("Local")

    name = models.CharField(_("nom"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    level = models.CharField(_("échelon"), max_length=15, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("réseau parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    summary = models.CharField(
        _("en une phrase"), max_length=280, blank=True, validators=[single_line]
    )
    description = models.TextField(_("présentation"), blank=True, help_text=_("Markdown accepté."))
    charter = models.TextField(
        _("charte"),
        blank=True,
        help_text=_("Texte que chaque lieu accepte en adhérant. Markdown accepté."),
    )
    # Raised each time the charter text changes (by hand or by an adopted proposal).
    charter_version = models.PositiveIntegerField(_("version de la charte"), default=1)
    communes = models.ManyToManyField(
        "territory.Commune", verbose_name=_("territoire"), blank=True, related_name="networks"
    )
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[single_line, validate_phone]
    )
    website = models.URLField(_("site web"), blank=True)
    stale_after_days = models.PositiveIntegerField(
        _("fiche à revoir après (jours)"),
        default=180,
        help_text=_("Au-delà, une fiche non confirmée est signalée comme à vérifier."),
    )
    open_data_licence = models.CharField(
        _("licence des données ouvertes"),
        max_length=12,
        choices=OpenDataLicence.choices,
        default=OpenDataLicence.ETALAB,
    )
    transparency_people = models.CharField(
        _("personnes rémunérées sur les pages de transparence"),
        max_length=4,
        choices=TransparencyPeople.choices,
        default=TransparencyPeople.NAME,
        help_text=_(
            "La base légale de cette publication est l'intérêt légitime de la transparence "
            "budgétaire (voir le registre des traitements) ; le réseau peut la limiter au rôle."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:network-detail", args=[self.slug])


class NetworkRole(models.Model):
    """What a person is to a network."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinateur·rice")
        GUIDE = "guide", _("Aiguilleur·se")
        ACCOMPANIST = "accompanist", _("Accompagnateur·rice")
        MEMBER = "member", _("Membre")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    role = models.CharField(_("rôle"), max_length=15, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans un réseau")
        verbose_name_plural = _("rôles dans les réseaux")
        constraints = [
            models.UniqueConstraint(fields=["network", "user", "role"], name="unique_network_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.network}"


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Candidature déposée")
    IN_REVIEW = "in_review", _("En cours d'examen")
    ACCEPTED = "accepted", _("Adhérent")
    REFUSED = "refused", _("Refusée")
    SUSPENDED = "suspended", _("Suspendue")
    LEFT = "left", _("À quitté le réseau")


# A place has at most one membership in one of these states per network at a time.
OPEN_STATUSES = [
    MembershipStatus.APPLIED,
    MembershipStatus.IN_REVIEW,
    MembershipStatus.ACCEPTED,
    MembershipStatus.SUSPENDED,
]


class Membership(models.Model):
    """The adhésion of a place to a network, from application to leaving."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLIED,
    )
    motivation = models.TextField(_("motivation"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("candidature le"), auto_now_add=True)
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"), null=True, blank=True)
    charter_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("charte acceptée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The charter text as it was accepted: the network may rewrite its charter later.
    charter_text = models.TextField(_("charte acceptée"), blank=True)
    charter_version = models.PositiveIntegerField(
        _("version de la charte acceptée"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("motif"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "place"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_membership_per_place_and_network",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} → {self.network} ({self.get_status_display()})"


class MembershipEvent(models.Model):
    """One step of a membership's history: who moved it, from which status to which, and why."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=MembershipStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("étape d'adhésion")
        verbose_name_plural = _("étapes d'adhésion")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
