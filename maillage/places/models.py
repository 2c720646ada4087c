from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.lib.storage import private_storage
from maillage.lib.validators import single_line, validate_phone, validate_postal_code
from maillage.places.mediation import search_tags


class PlaceType(models.TextChoices):
    COWORKING = "coworking", _("Coworking")
    FABLAB = "fablab", _("Fablab / atelier de fabrication")
    CAFE = "cafe", _("Café associatif")
    REPAIR = "repair", _("Atelier de réparation / vélo")
    RESSOURCERIE = "ressourcerie", _("Ressourcerie / recyclerie")
    RURAL_HUB = "rural_hub", _("Tiers-lieu rural")
    FABRIQUE = "fabrique", _("Fabrique de territoire")
    NUMERIQUE = "numerique", _("Médiation numérique")
    CULTURE = "culture", _("Lieu culturel")
    FOOD = "food", _("Alimentation / cuisine partagée")
    LIVING_LAB = "living_lab", _("Living lab / laboratoire d'innovation")
    OTHER = "other", _("Autre")


class PlaceStatus(models.TextChoices):
    PROJECT = "project", _("En projet")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Fermé")


class PriceUnit(models.TextChoices):
    HOUR = "hour", _("de l'heure")
    HALF_DAY = "half_day", _("la demi-journée")
    DAY = "day", _("la journée")
    MONTH = "month", _("le mois")
    USE = "use", _("l'utilisation")


WEEKDAYS = [
    ("mo", _("Lundi")),
    ("tu", _("Mardi")),
    ("we", _("Mercredi")),
    ("th", _("Jeudi")),
    ("fr", _("Vendredi")),
    ("sa", _("Samedi")),
    ("su", _("Dimanche")),
]


class PlaceQuerySet(models.QuerySet["Place"]):
    def published(self) -> "PlaceQuerySet":
        """Places the public directory shows (every status; a closed place stays findable)."""
        return self.filter(is_published=True)


class Place(models.Model):
    """A tiers-lieu: the unit of the directory."""

    name = models.CharField(_("nom"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    types = models.JSONField(_("types"), default=list, blank=True)
    summary = models.CharField(
        _("en une phrase"), max_length=280, blank=True, validators=[single_line]
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown accepté."))
    status = models.CharField(
        _("statut"), max_length=10, choices=PlaceStatus.choices, default=PlaceStatus.OPEN
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True, validators=[single_line])
    address_complement = models.CharField(
        _("complément d'adresse"), max_length=250, blank=True, validators=[single_line]
    )
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="places",
        null=True,
        blank=True,
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # {"mo": "09:00-12:30,14:00-18:00", ...}; an absent or empty day means closed.
    opening_hours = models.JSONField(_("horaires d'ouverture"), default=dict, blank=True)
    opening_hours_note = models.CharField(
        _("précisions sur les horaires"), max_length=250, blank=True
    )
    # Accessibility, in the vocabulary of the national acceslibre schema.
    access_step_free = models.BooleanField(_("entrée de plain-pied ou rampe"), default=False)
    access_toilets = models.BooleanField(_("toilettes adaptées"), default=False)
    access_parking = models.BooleanField(_("stationnement PMR"), default=False)
    access_hearing_loop = models.BooleanField(_("boucle magnétique"), default=False)
    access_public_transport = models.BooleanField(
        _("desservi par les transports en commun"), default=False
    )
    accessibility_note = models.TextField(_("précisions sur l'accessibilité"), blank=True)
    acceslibre_url = models.URLField(_("fiche acceslibre"), blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[single_line, validate_phone]
    )
    website = models.URLField(_("site web"), blank=True)
    is_published = models.BooleanField(_("visible dans l'annuaire"), default=True)
    external_id = models.CharField(
        _("identifiant externe"), max_length=100, blank=True, db_index=True
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Where an import found the record: the file's format, its producer and its licence
    # ("CC BY 4.0"), shown on the place and carried into exports.
    source_format = models.CharField(_("format de la source"), max_length=20, blank=True)
    source_producer = models.CharField(_("producteur de la source"), max_length=200, blank=True)
    source_licence = models.CharField(_("licence de la source"), max_length=100, blank=True)
    # Columns of an imported file that have no Maillage field, kept as they were
    # ({"structure": "Association X", "facebook": "https://…"}): shown to the managers, exported.
    extra = models.JSONField(_("attributs supplémentaires"), default=dict, blank=True)
    # SIRET (or SIREN) of the organisation behind the place: the médiation numérique "pivot".
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^[0-9A-Za-z]{9,14}$", _("9 à 14 chiffres ou lettres."))],
    )
    # Multi-valued descriptions from the national médiation numérique schema, by field:
    # {"services": ["Aide aux démarches administratives", …], "frais_a_charge": ["Gratuit"]}
    # (places/mediation.py); facets of the directory search.
    tags = models.JSONField(_("services, publics et labels"), default=dict, blank=True)
    last_confirmed_at = models.DateTimeField(_("dernière confirmation"), null=True, blank=True)
    # 0–100, recomputed by the freshness service whenever a record changes or is confirmed,
    # stored so that search can sort by it.
    freshness_score = models.PositiveSmallIntegerField(_("fraîcheur"), default=0, db_index=True)
    confirmation_count = models.PositiveIntegerField(_("confirmations"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:place-detail", args=[self.slug])

    @property
    def search_tags(self) -> list[tuple[str, str, list[str]]]:
        """Its médiation numérique services and publics: (search key, label, values)."""
        return search_tags(self.tags)

    @property
    def type_labels(self) -> list[str]:
        labels = dict(PlaceType.choices)
        return [str(labels.get(code, code)) for code in self.types]

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class PlaceRole(models.Model):
    """What a person is to a place: one of its managers, or a member (coworker)."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Gestionnaire")
        MEMBER = "member", _("Membre")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="place_roles"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans un lieu")
        verbose_name_plural = _("rôles dans les lieux")
        constraints = [
            models.UniqueConstraint(fields=["place", "user", "role"], name="unique_place_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.place}"


class SpaceKind(models.TextChoices):
    DESK = "desk", _("Poste de travail / coworking")
    OFFICE = "office", _("Bureau fermé")
    MEETING_ROOM = "meeting_room", _("Salle de réunion")
    TRAINING_ROOM = "training_room", _("Salle de formation")
    WORKSHOP = "workshop", _("Atelier")
    LODGING = "lodging", _("Hébergement")
    KITCHEN = "kitchen", _("Cuisine")
    STAGE = "stage", _("Salle de spectacle / scène")
    OUTDOOR = "outdoor", _("Espace extérieur")
    OTHER = "other", _("Autre")


class Space(models.Model):
    """A room or area of a place that others may use."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="spaces")
    name = models.CharField(_("nom"), max_length=150, validators=[single_line])
    kind = models.CharField(_("type d'espace"), max_length=20, choices=SpaceKind.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown accepté."))
    surface_m2 = models.PositiveIntegerField(_("surface (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacité (personnes)"), null=True, blank=True)
    uses = models.CharField(
        _("usages"),
        max_length=300,
        blank=True,
        help_text=_("Séparés par des virgules : réunion, formation, atelier…"),
    )
    price_unit = models.CharField(
        _("unité de prix"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.DAY
    )
    price_member_cents = models.PositiveIntegerField(_("prix membres"), null=True, blank=True)
    price_network_cents = models.PositiveIntegerField(
        _("prix membres du réseau"), null=True, blank=True
    )
    price_public_cents = models.PositiveIntegerField(_("prix non-membres"), null=True, blank=True)
    is_accessible = models.BooleanField(_("accessible en fauteuil roulant"), default=False)
    accessibility_note = models.CharField(
        _("précisions sur l'accessibilité"), max_length=250, blank=True
    )
    is_bookable = models.BooleanField(_("réservable"), default=True)
    last_confirmed_at = models.DateTimeField(_("dernière confirmation"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["place", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.place})"

    @property
    def use_list(self) -> list[str]:
        return [use.strip() for use in self.uses.split(",") if use.strip()]


class EquipmentCategory(models.TextChoices):
    DIGITAL_FAB = "digital_fab", _("Fabrication numérique (laser, 3D, CNC)")
    WOODWORK = "woodwork", _("Travail du bois")
    METALWORK = "metalwork", _("Travail du métal")
    TEXTILE = "textile", _("Textile / couture")
    AUDIOVISUAL = "audiovisual", _("Audio, vidéo, photo")
    COMPUTING = "computing", _("Informatique / impression")
    KITCHEN = "kitchen", _("Cuisine")
    GARDEN = "garden", _("Jardin / agriculture")
    MOBILITY = "mobility", _("Mobilité (vélos, véhicules)")
    EVENT = "event", _("Événementiel (sono, mobilier)")
    REPAIR = "repair", _("Réparation / outillage")
    OTHER = "other", _("Autre")


class SharingMode(models.TextChoices):
    ON_SITE = "on_site", _("Utilisation sur place")
    LOAN = "loan", _("Prêt")
    WITH_OPERATOR = "with_operator", _("Avec un·e opérateur·rice")


class Equipment(models.Model):
    """A piece of equipment a place shares."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("nom"), max_length=150, validators=[single_line])
    category = models.CharField(_("catégorie"), max_length=20, choices=EquipmentCategory.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown accepté."))
    quantity = models.PositiveIntegerField(
        _("quantité"), default=1, validators=[MinValueValidator(1)]
    )
    sharing_mode = models.CharField(
        _("mode de partage"),
        max_length=20,
        choices=SharingMode.choices,
        default=SharingMode.ON_SITE,
    )
    deposit_cents = models.PositiveIntegerField(_("caution"), null=True, blank=True)
    price_cents = models.PositiveIntegerField(_("prix"), null=True, blank=True)
    price_unit = models.CharField(
        _("unité de prix"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.USE
    )
    conditions = models.TextField(_("conditions"), blank=True)
    last_confirmed_at = models.DateTimeField(_("dernière confirmation"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")
        ordering = ["place", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="equipment_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.place})"


def photo_path(instance: "PlacePhoto", filename: str) -> str:
    return f"places/{instance.place_id}/{filename}"


class PlacePhoto(models.Model):
    """A photo of a place, re-encoded on upload (metadata stripped, size bounded)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to=photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        _("description de la photo"),
        max_length=250,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["place", "position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class FreshnessReminder(models.Model):
    """A "still true?" e-mail sent to a place's managers, and what came of it."""

    class Status(models.TextChoices):
        SENT = "sent", _("Envoyé")
        CONFIRMED = "confirmed", _("Confirmé")
        BOUNCED = "bounced", _("Non distribué")
        ESCALATED = "escalated", _("Transmis à la coordination")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="reminders")
    sent_to = models.CharField(_("destinataires"), max_length=500)
    sent_at = models.DateTimeField(_("envoyé le"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("transmis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("relance de fraîcheur")
        verbose_name_plural = _("relances de fraîcheur")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.place} — {self.sent_at:%Y-%m-%d}"


class ImportRun(models.Model):
    """One import of a directory file: its dry run, its report, and whether it was applied."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        GEOJSON = "geojson", _("GeoJSON")
        GOGOCARTO = "gogocarto", _("GoGoCarto (JSON)")
        MEDIATION = "mediation", _("Lieux de médiation numérique")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours d'analyse")
        CHECKED = "checked", _("Analysé (essai à blanc)")
        APPLYING = "applying", _("En cours d'application")
        APPLIED = "applied", _("Appliqué")
        FAILED = "failed", _("Refusé")
        NEEDS_MAPPING = "mapping", _("Colonnes à associer")

    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Private: an import holds contacts; only the importing coordinators reach it, by a view.
    file = models.FileField(_("fichier"), upload_to="imports/", storage=private_storage)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Touched as the worker progresses: a run silent for long had its worker die (see
    # directory.transfer.services.recover_stale_runs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Per-row report of the dry run: [{"row": 2, "outcome": "created", "messages": [...]}, ...]
    report = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # The source, recorded on the places it creates or updates.
    producer = models.CharField(_("producteur des données"), max_length=200, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    # The mapping applied to the file's columns ({"fields": {field: column}, "types": {value:
    # type}}), from a saved profile or the mapping step; empty: the usual names only.
    profile = models.ForeignKey(
        "places.ImportProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("profil de colonnes"),
    )
    mapping = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class ImportProfile(models.Model):
    """A network's named mapping of a file's columns and type values onto Maillage's fields."""

    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        related_name="import_profiles",
        verbose_name=_("réseau"),
    )
    name = models.CharField(_("nom du profil"), max_length=100, validators=[single_line])
    # {"name": "titre", "postal_code": "cp", ...}: Maillage field → column of the file.
    fields = models.JSONField(_("colonnes"), default=dict, blank=True)
    # {"tierslieu": "other", "cantine": "coworking", ...}: value of the type column → type.
    types = models.JSONField(_("types"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil d'import")
        verbose_name_plural = _("profils d'import")
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="unique_import_profile_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.network})"
