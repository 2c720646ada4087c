"""Animation and communication: a rotating facilitator's permanences across the places of a
network (rota, slots, closures, absences and stand-ins, requests and swaps, visit log, shared
cost)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Half(models.TextChoices):
    MORNING = "am", _("matin")
    AFTERNOON = "pm", _("après-midi")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class CostKey(models.TextChoices):
    EQUAL = "equal", _("À parts égales")
    SIZE = "size", _("Selon la taille du lieu (capacité d'accueil)")
    BRACKET = "bracket", _("Selon la tranche de cotisation")


class Bracket(models.TextChoices):
    """A place's fee bracket, as the network sets it for the shared cost (weights 1, 2, 3)."""

    SMALL = "a", _("Tranche A (petite structure)")
    MEDIUM = "b", _("Tranche B")
    LARGE = "c", _("Tranche C (grande structure)")


BRACKET_WEIGHTS = {Bracket.SMALL: 1, Bracket.MEDIUM: 2, Bracket.LARGE: 3}


class RotaReason(models.TextChoices):
    COST_SHARE = "communication.cost-share", _("Part du coût de l'animation")


class RotaAccountKind(models.TextChoices):
    POST = "communication.post", _("Poste d'animation partagé")


class Rota(models.Model):
    """A facilitator's round through member places of a network."""

    class Pattern(models.TextChoices):
        WEEKLY = "weekly", _("Chaque semaine")
        FORTNIGHTLY = "fortnightly", _("Une semaine sur deux")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="rotas", verbose_name=_("réseau")
    )
    title = models.CharField(_("intitulé"), max_length=150)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rotas",
        verbose_name=_("animateur·rice"),
    )
    pattern = models.CharField(_("rythme"), max_length=12, choices=Pattern.choices)
    starts_on = models.DateField(_("à partir du"))
    ends_on = models.DateField(_("jusqu'au"))
    cost_cents = models.PositiveIntegerField(
        _("coût du poste sur la période"), null=True, blank=True
    )
    cost_key = models.CharField(
        _("clé de répartition"), max_length=8, choices=CostKey.choices, default=CostKey.EQUAL
    )
    # Place pk (as text) → Bracket: how the network ranks each place for the "bracket" key.
    brackets = models.JSONField(_("tranches des lieux"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tournée de permanences")
        verbose_name_plural = _("tournées de permanences")
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.title


class RotaSlot(models.Model):
    """A recurring half day in one place: "Thursday morning at La Forge, every other week"."""

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="slots")
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("lieu")
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    half = models.CharField(_("demi-journée"), max_length=2, choices=Half.choices)
    # Fortnightly rotas: 1 = the rota's first week, 2 = the week after (ignored when weekly).
    week = models.PositiveSmallIntegerField(_("semaine"), default=1)
    purpose = models.CharField(_("objet"), max_length=200, blank=True)

    class Meta:
        ordering = ["weekday", "half", "pk"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_half_display()}"


class Closure(models.Model):
    """Days a place is closed: no permanence there."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.starts_on} → {self.ends_on}"


class Absence(models.Model):
    """The facilitator is away; a stand-in (if any) takes their permanences."""

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("remplaçant·e"),
    )
    reason = models.CharField(_("motif"), max_length=150, blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.starts_on} → {self.ends_on}"


class Permanence(models.Model):
    """One half day of a facilitator in one place."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandée par le lieu")
        PLANNED = "planned", _("Prévue")
        DECLINED = "declined", _("Déclinée par le lieu")
        CANCELLED = "cancelled", _("Annulée")

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="permanences")
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("lieu")
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permanences"
    )
    # Set when a stand-in comes instead of the rota's facilitator.
    stands_in_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    half = models.CharField(_("demi-journée"), max_length=2, choices=Half.choices)
    purpose = models.CharField(_("objet"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    note = models.CharField(_("précision"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("permanence")
        ordering = ["date", "half", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rota", "date", "half"],
                condition=~models.Q(status__in=["declined", "cancelled"]),
                name="one_live_permanence_per_rota_half_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_half_display()}"


class Swap(models.Model):
    """A place offers to exchange its permanence with another place's: both must consent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de l'autre lieu")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        WITHDRAWN = "withdrawn", _("Retirée")

    offered = models.ForeignKey(Permanence, on_delete=models.CASCADE, related_name="+")
    wanted = models.ForeignKey(Permanence, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"{self.offered_id} ↔ {self.wanted_id}"


class Visit(models.Model):
    """The facilitator's log of one permanence."""

    permanence = models.OneToOneField(Permanence, on_delete=models.CASCADE, related_name="visit")
    notes = models.TextField(_("notes"), blank=True)
    people_met = models.PositiveSmallIntegerField(_("personnes rencontrées"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.permanence}"


class Need(models.Model):
    """A need spotted during a visit, which may become an orientation request."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    text = models.CharField(_("besoin repéré"), max_length=300)
    # Set once the need was turned into an orientation request of the commons.
    orientation_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class CostCharge(models.Model):
    """A place's share of the post's cost for a rota, posted to the ledger."""

    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="charges")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    amount_cents = models.PositiveIntegerField(_("montant"))
    transfer_id = models.PositiveIntegerField(null=True, blank=True)
    charged_at = models.DateTimeField(auto_now_add=True)
    charged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rota", "place"], name="one_charge_per_rota_place")
        ]

    def __str__(self) -> str:
        return f"{self.place_id}: {self.amount_cents}"


# --- event relay ------------------------------------------------------------------------------


class Brand(models.Model):
    """A network's colours for its share cards and widget (defaults when it has none)."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="communication_brand"
    )
    primary = models.CharField(
        _("couleur principale"), max_length=7, default="#1d4e89", help_text=_("#rrggbb")
    )
    accent = models.CharField(
        _("couleur d'accent"), max_length=7, default="#f2a541", help_text=_("#rrggbb")
    )

    def __str__(self) -> str:
        return f"{self.network_id}: {self.primary}/{self.accent}"


class Submission(models.Model):
    """An event proposed to a network's agenda by someone who may not publish it there: the
    coordination reviews it; accepted, it becomes an event of the network (events' service)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À examiner")
        ACCEPTED = "accepted", _("Publiée")
        REFUSED = "refused", _("Refusée")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="event_submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lieu"),
    )
    kind = models.CharField(_("type"), max_length=10)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    event_slug = models.SlugField(max_length=220, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


# --- communication kit and case library -------------------------------------------------------


def _private():
    from maillage.lib.storage import private_storage

    return private_storage()


class ResourceKind(models.TextChoices):
    PITCH = "pitch", _("Argumentaire")
    TEMPLATE = "template", _("Modèle de document")
    LOGO = "logo", _("Logo")
    PHOTO = "photo", _("Photo")
    SLIDES = "slides", _("Diaporama")
    POSTER = "poster", _("Affiche")
    FACTSHEET = "factsheet", _("Fiche pratique")
    CASE = "case", _("Cas pratique")


class KitAction(models.TextChoices):
    """The commons' five action tags (the Fabrique à communs' verbs), shared vocabulary."""

    MANAGE = "gerer", _("Gérer")
    DEVELOP = "developper", _("Développer")
    WORK = "travailler", _("Travailler")
    ANIMATE = "animer", _("Animer")
    DOCUMENT = "documenter", _("Documenter")


class Resource(models.Model):
    """A piece of the communication kit (valise pédagogique) or a case of the case library."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À relire")
        PUBLISHED = "published", _("Publiée")
        REFUSED = "refused", _("Refusée")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="kit_resources"
    )
    kind = models.CharField(_("type"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("en une phrase"), max_length=300)
    body = models.TextField(_("texte"), blank=True, help_text=_("Markdown accepté."))
    # Cases: a practice of a place.
    context = models.TextField(_("contexte"), blank=True)
    what_they_did = models.TextField(_("ce qu'ils ont fait"), blank=True)
    results = models.TextField(_("résultats"), blank=True)
    contacts = models.TextField(_("personnes à contacter"), blank=True)
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lieu"),
    )
    licence = models.CharField(_("licence"), max_length=40)
    credit = models.CharField(
        _("crédit"), max_length=200, blank=True, help_text=_("Auteur·rice, photographe…")
    )
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    review_note = models.CharField(_("motif"), max_length=300, blank=True)
    adapted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="adaptations"
    )
    attribution = models.CharField(_("attribution"), max_length=400, blank=True)
    downloads = models.PositiveIntegerField(_("téléchargements"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ressource")
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("communication:kit-detail", args=[self.slug])

    @property
    def is_case(self) -> bool:
        return self.kind == ResourceKind.CASE

    def action_labels(self) -> list[str]:
        return [str(KitAction(a).label) for a in self.actions if a in KitAction.values]


class ResourceVersion(models.Model):
    """One version of a resource's file (the latest is the one offered)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="communication/kit/", storage=_private, max_length=300)
    preview = models.FileField(
        upload_to="communication/previews/", storage=_private, max_length=300, blank=True
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    note = models.CharField(_("ce qui change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


# --- circle tools ----------------------------------------------------------------------------------


class CircleTool(models.Model):
    """A tool of a circle (chat room, shared folder, pad, documentation) and who sees its link."""

    class Kind(models.TextChoices):
        CHAT = "chat", _("Salon de discussion")
        FOLDER = "folder", _("Dossier partagé")
        PAD = "pad", _("Pad d'écriture")
        DOCS = "docs", _("Documentation")
        OTHER = "other", _("Autre outil")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Tout le monde")
        MEMBERS = "members", _("Membres du cercle")
        STEWARDS = "stewards", _("Soucieux·ses du cercle")

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=120)
    url = models.URLField(_("adresse"), max_length=500)
    visibility = models.CharField(
        _("visible par"), max_length=8, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "label"]

    def __str__(self) -> str:
        return self.label


# --- tour logbooks ---------------------------------------------------------------------------------


class LogbookEntry(models.Model):
    """A note written at a stop of a tour (events.TourStop), with an optional photo: together they
    make the tour's logbook. The photo is re-encoded (pixels only) and kept private: it is served
    to whoever may see the tour."""

    stop = models.ForeignKey("events.TourStop", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("note"), max_length=4000)
    photo = models.FileField(
        _("photo"), upload_to="communication/carnets/", storage=_private, max_length=300, blank=True
    )
    photo_width = models.PositiveIntegerField(default=0, editable=False)
    photo_height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(_("description de la photo"), max_length=250, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note de carnet de route")
        verbose_name_plural = _("notes de carnet de route")
        ordering = ["stop_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


# --- the coordination of the soucieux·ses ----------------------------------------------------------


class CoordinationGroup(models.Model):
    """The network-wide group of the soucieux·ses of its circles. Its members are not stored:
    they are the circles' soucieux·ses in office (circles' roles). Its recurring meeting is an
    event of the network's agenda."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau")
    )
    purpose = models.TextField(_("raison d'être"), max_length=2000, blank=True)
    meeting = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("réunion de coordination"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coordination des soucieux·ses")
        verbose_name_plural = _("coordinations des soucieux·ses")

    def __str__(self) -> str:
        return str(self.network)


class AgendaPoint(models.Model):
    """A point a circle brings to the coordination meeting."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposé")
        DISCUSSED = "discussed", _("Traité")
        SET_ASIDE = "aside", _("Écarté")

    group = models.ForeignKey(CoordinationGroup, on_delete=models.CASCADE, related_name="points")
    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="+", verbose_name=_("cercle")
    )
    title = models.CharField(_("point"), max_length=200)
    details = models.TextField(_("précisions"), max_length=2000, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PROPOSED)
    outcome = models.TextField(_("ce qui en est sorti"), max_length=2000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("point à l'ordre du jour")
        verbose_name_plural = _("points à l'ordre du jour")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class OnboardingItem(models.Model):
    """A step of the onboarding checklist of new soucieux·ses."""

    group = models.ForeignKey(
        CoordinationGroup, on_delete=models.CASCADE, related_name="onboarding_items"
    )
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("étape"), max_length=200)
    help_text = models.CharField(_("comment faire"), max_length=400, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class OnboardingCheck(models.Model):
    """A step a person has done."""

    item = models.ForeignKey(OnboardingItem, on_delete=models.CASCADE, related_name="checks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="one_check_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.person_id}"


class FundingSource(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    STATE = "state", _("État")
    EUROPE = "europe", _("Fonds européens")
    NETWORK = "network", _("Fonds propres du réseau")
    FOUNDATION = "foundation", _("Fondation ou mécénat")
    OTHER = "other", _("Autre")


class Agreement(models.Model):
    """A soucieux·se's agreement with the network (conventionnement): the signed document, the
    amount, who funds it and the period it covers."""

    group = models.ForeignKey(
        CoordinationGroup, on_delete=models.CASCADE, related_name="agreements"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("soucieux·se"),
    )
    circle = models.ForeignKey(
        "circles.Circle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cercle"),
    )
    amount_cents = models.PositiveIntegerField(_("montant"))
    funding_source = models.CharField(
        _("financement"), max_length=10, choices=FundingSource.choices
    )
    funder = models.CharField(_("financeur"), max_length=150, blank=True)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    document = models.FileField(
        _("convention signée"),
        upload_to="communication/conventions/",
        storage=_private,
        max_length=300,
    )
    document_type = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_on:%Y}"
