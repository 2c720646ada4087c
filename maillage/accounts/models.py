from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.lib.french_stem import stem_text
from maillage.lib.storage import private_storage
from maillage.lib.validators import single_line, validate_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person. Logs in with their e-mail address; has no username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(
        _("nom affiché"), max_length=120, blank=True, validators=[single_line]
    )
    bio = models.TextField(_("présentation"), blank=True, help_text=_("Markdown accepté."))
    phone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[single_line, validate_phone]
    )
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the person deleted their account: the row stays so that their acts (transfers,
    # decisions, minutes) remain whole, but nothing personal is left on it.
    anonymised_at = models.DateTimeField(_("compte supprimé le"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:person-detail", args=[self.pk])

    @property
    def public_name(self) -> str:
        """The name shown to others: never the e-mail address."""
        if self.anonymised_at is not None:
            return str(_("compte supprimé"))
        full = f"{self.first_name} {self.last_name}".strip()
        return self.display_name or full or str(_("Personne n°%(id)s") % {"id": self.pk})


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Membres de mes réseaux")
    PRIVATE = "private", _("Privé (moi seul·e)")


class Skill(models.Model):
    """Something a person knows and is willing to share, visible to whom they choose."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(_("compétence"), max_length=100, validators=[single_line])
    description = models.CharField(
        _("précision"), max_length=300, blank=True, validators=[single_line]
    )
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Name and précision as light French stems (maillage.lib.french_stem), for the search page.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_skill_per_user"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = stem_text(f"{self.name} {self.description}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A personal token for scripts using the API; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100, validators=[single_line])
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DataExport(models.Model):
    """A person's download of everything held about them, built by the worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        READY = "ready", _("Prête")
        FAILED = "failed", _("Échouée")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sections_done = models.PositiveIntegerField(default=0)
    sections_total = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("export de données personnelles")
        verbose_name_plural = _("exports de données personnelles")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if not self.sections_total:
            return 0
        return round(100 * self.sections_done / self.sections_total)
