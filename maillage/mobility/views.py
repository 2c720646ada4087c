import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts.models import User
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.french import date_format, de
from maillage.lib.geo import feature_collection, point_feature
from maillage.mobility import booking as booking_services
from maillage.mobility import selectors, services
from maillage.mobility.forms import (
    BookForm,
    FindForm,
    GrantForm,
    OfferForm,
    SchemeForm,
    SubscribeForm,
    TermsForm,
)
from maillage.mobility.models import Booking
from maillage.networks.selectors import get_network_for_coordinator
from maillage.networks.selectors import member_places as network_member_places

QR_SALT = "maillage.mobility.check-in"


def _day_from(request: HttpRequest) -> tuple[FindForm, object]:
    form = FindForm(request.GET or None, initial={"day": services.today()})
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() else services.today()
    return form, day


def find_hosts(request: HttpRequest) -> HttpResponse:
    form, day = _day_from(request)
    hosts = selectors.available_hosts(
        day=day, exclude_place_ids=selectors.own_place_ids(user=request.user)
    )
    geojson = feature_collection(
        point_feature(
            lat=a.place.latitude,
            lon=a.place.longitude,
            properties={
                "name": a.place.name,
                "url": reverse("mobility:book", args=[a.place.slug]) + f"?day={day.isoformat()}",
                "commune": a.place.commune.name if a.place.commune else "",
                "types": ngettext(
                    "%(n)s poste libre", "%(n)s postes libres", max(a.free_am, a.free_pm)
                )
                % {"n": max(a.free_am, a.free_pm)},
            },
        )
        for a in hosts
        if a.place.has_position
    )
    return render(
        request,
        "mobility/find.html",
        {"form": form, "day": day, "hosts": hosts, "geojson": geojson},
    )


@login_required
def book(request: HttpRequest, slug: str) -> HttpResponse:
    offer = selectors.get_bookable_offer(slug=slug)
    passes = selectors.active_passes_of(user=request.user)
    form = BookForm(
        request.POST or None,
        passes=passes,
        half_days=offer.half_days_allowed,
        initial={"day": request.GET.get("day") or services.today()},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = booking_services.book_visit(
                pass_=data["pass_"],
                place=offer.place,
                day=data["day"],
                half=data["half"],
                idempotency_key=data["idempotency_key"],
                by=request.user,
            )
        except services.MobilityError as error:
            show_refusal(form, error)
            status = 409
        else:
            if visit.status == Booking.Status.PENDING:
                messages.success(
                    request,
                    _("Demande envoyée : %(place)s doit la valider.") % {"place": offer.place},
                )
            else:
                messages.success(
                    request, _("Réservé : %(place)s vous attend.") % {"place": offer.place}
                )
            return redirect(visit.member_pass)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "mobility/book.html",
        {"offer": offer, "place": offer.place, "form": form, "has_pass": passes.exists()},
        status=status,
    )


@login_required
def my_passes(request: HttpRequest) -> HttpResponse:
    today = services.today()
    passes = selectors.passes_of(user=request.user)
    rows = [(p, selectors.pass_usage(pass_=p, day=today)) for p in passes]
    return render(request, "mobility/my_passes.html", {"rows": rows, "today": today})


@login_required
def pass_subscribe(request: HttpRequest) -> HttpResponse:
    choices = selectors.subscribable_schemes(user=request.user, today=services.today())
    by_id = {str(c.scheme.pk): c for c in choices}
    form = SubscribeForm(
        request.POST or None,
        choices=[(str(c.scheme.pk), c.scheme.name) for c in choices],
    )
    if request.method == "POST" and form.is_valid():
        choice = by_id[form.cleaned_data["scheme"]]
        try:
            pass_ = services.subscribe_pass(
                user=request.user, scheme=choice.scheme, home_place=choice.home_place
            )
        except services.MobilityError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Votre pass est actif."))
            return redirect(pass_)
    return render(request, "mobility/pass_subscribe.html", {"form": form, "choices": choices})


@login_required
def pass_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pass_ = selectors.get_pass_for_viewer(user=request.user, pk=pk)
    today = services.today()
    bookings = selectors.pass_bookings(pass_=pass_)
    is_holder = pass_.holder_id == request.user.pk
    cancellable: set[int] = set()
    if is_holder:
        # One read of the scheme's versions for every deadline; a visit past its deadline
        # offers no "Annuler" (the service would refuse it).
        scheme = pass_.scheme
        scheme.prefetched_versions = list(scheme.versions.order_by("-effective_from"))
        for visit in bookings:
            visit.member_pass = pass_
            if booking_services.can_cancel(visit):
                cancellable.add(visit.pk)
    return render(
        request,
        "mobility/pass_detail.html",
        {
            "pass": pass_,
            "usage": selectors.pass_usage(pass_=pass_, day=today),
            "bookings": bookings,
            "transfers": selectors.pass_transfers(pass_=pass_),
            "is_holder": is_holder,
            "cancellable": cancellable,
            "today": today,
        },
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_booking_for_holder(user=request.user, pk=pk)
    try:
        booking_services.cancel_booking(booking=visit, by=request.user)
    except services.MobilityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Réservation annulée : le jour revient dans votre quota."))
    return redirect(visit.member_pass)


def check_in_url(request: HttpRequest, visit: Booking) -> str:
    token = signing.dumps(visit.pk, salt=QR_SALT)
    return request.build_absolute_uri(reverse("mobility:check-in-qr", args=[token]))


@login_required
def booking_qr(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_booking_for_holder(user=request.user, pk=pk)
    buffer = io.BytesIO()
    segno.make(check_in_url(request, visit), error="m").save(
        buffer, kind="svg", scale=6, title=_("QR code d'arrivée")
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
def check_in_by_qr(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=QR_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    visit = selectors.get_booking_for_host(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            booking_services.check_in(booking=visit, by=request.user, method=Booking.CheckIn.QR)
        except services.MobilityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Arrivée enregistrée : bienvenue !"))
        return redirect(
            reverse("mobility:host-day", args=[visit.offer.place.slug])
            + f"?day={visit.day:%Y-%m-%d}"
        )
    return render(request, "mobility/check_in.html", {"booking": visit})


HOST_ACTIONS = {
    "arrivee": (booking_services.check_in, gettext_lazy("Arrivée enregistrée.")),
    "accepter": (booking_services.approve_booking, gettext_lazy("Réservation confirmée.")),
    "refuser": (booking_services.refuse_booking, gettext_lazy("Réservation refusée.")),
}
# The answers to a request cannot be taken back: they show what will happen first.
ANSWERS = {"accepter", "refuser"}


def _answer_confirmation(request: HttpRequest, visit: Booking, action: str) -> HttpResponse:
    """The host's answer to a request, before it is given: who, when, what follows."""
    holder = visit.member_pass.holder
    who = holder.display_name or holder.email
    day_url = reverse("mobility:host-day", args=[visit.offer.place.slug]) + (
        f"?day={visit.day:%Y-%m-%d}"
    )
    names = {"de_who": de(who), "day": date_format(visit.day, "l j F Y")}
    facts = [
        (_("Visiteur"), who),
        (_("Lieu d'attache"), visit.member_pass.home_place.name),
        (_("Jour"), names["day"]),
        (_("Durée"), visit.get_half_display()),
        (_("Formule"), visit.member_pass.scheme.name),
    ]
    if action == "accepter":
        confirmation = Confirmation(
            title=_("Accepter la visite %(de_who)s le %(day)s ?") % names,
            facts=facts,
            consequences=[
                _("Un poste est réservé pour cette visite et la personne est prévenue."),
                _(
                    "Vous ne pourrez plus la refuser : seule la personne pourra annuler, dans "
                    "le délai de sa formule."
                ),
            ],
            confirm_label=_("Confirmer : accepter la visite"),
            cancel_url=day_url,
        )
    else:
        confirmation = Confirmation(
            title=_("Refuser la visite %(de_who)s le %(day)s ?") % names,
            facts=facts,
            consequences=[
                _("La demande est refusée : le poste et le jour de son pass sont rendus."),
                _("La personne est prévenue. Une demande refusée ne peut pas être rétablie."),
            ],
            confirm_label=_("Confirmer : refuser la visite"),
            cancel_url=day_url,
            danger=True,
        )
    confirmation.back_url, confirmation.back_label = day_url, _("Visiteurs du jour")
    return render_confirmation(request, confirmation)


@login_required
@require_http_methods(["GET", "POST"])
def booking_host_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in HOST_ACTIONS:
        raise Http404
    visit = selectors.get_booking_for_host(user=request.user, pk=pk)
    if action in ANSWERS and visit.status == Booking.Status.PENDING and not is_confirmed(request):
        return _answer_confirmation(request, visit, action)
    if request.method != "POST":
        return redirect(
            reverse("mobility:host-day", args=[visit.offer.place.slug])
            + f"?day={visit.day:%Y-%m-%d}"
        )
    service, done = HOST_ACTIONS[action]
    try:
        service(booking=visit, by=request.user)
    except services.MobilityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect(
        reverse("mobility:host-day", args=[visit.offer.place.slug]) + f"?day={visit.day:%Y-%m-%d}"
    )


@login_required
def offer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    place, offer = selectors.get_place_and_offer_for_manager(user=request.user, slug=slug)
    form = OfferForm.for_offer(offer, request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_host_offer(
                place=place,
                by=request.user,
                desks=form.desks(),
                closed_dates=data["closed_dates"],
                half_days_allowed=data["half_days_allowed"],
                instructions=data["instructions"],
                approval_required=data["approval_required"],
                approval_hours=data["approval_hours"],
                is_active=data["is_active"],
            )
        except services.MobilityError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Votre offre d'accueil est enregistrée."))
            return redirect("mobility:host-day", slug=place.slug)
    return render(
        request, "mobility/offer_form.html", {"place": place, "offer": offer, "form": form}
    )


@login_required
def host_day(request: HttpRequest, slug: str) -> HttpResponse:
    place, offer = selectors.get_place_and_offer_for_manager(user=request.user, slug=slug)
    form, day = _day_from(request)
    context = {
        "place": place,
        "offer": offer,
        "form": form,
        "day": day,
        "today": services.today(),
        "networks": selectors.networks_of_place(place=place),
    }
    if offer is not None:
        context["bookings"] = selectors.host_day_bookings(offer=offer, day=day)
        context["pending"] = selectors.pending_bookings(offer=offer)
        context["capacity"] = offer.desks_on(day)
    return render(request, "mobility/host_day.html", context)


@login_required
def scheme_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    form = SchemeForm(
        request.POST or None,
        initial={
            "effective_from": services.today(),
            "quota_days": 4,
            "cancellation_deadline_hours": 24,
            "no_show_charged": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = services.create_scheme(
                network=network,
                by=request.user,
                name=data["name"],
                model=data["model"],
                description=data["description"],
                effective_from=data["effective_from"],
                terms=form.terms(),
            )
        except services.MobilityError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("La formule est créée."))
            return redirect(scheme)
    schemes = selectors.network_schemes(network=network)
    today = services.today()
    rows = [(s, selectors.version_on(scheme=s, day=today)) for s in schemes]
    return render(
        request,
        "mobility/scheme_list.html",
        {"network": network, "rows": rows, "form": form, "today": today},
    )


@login_required
def scheme_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_coordinator(user=request.user, slug=slug, pk=pk)
    today = services.today()
    current = selectors.version_on(scheme=scheme, day=today) or scheme.prefetched_versions[0]
    initial = {f: getattr(current, f) for f in TermsForm.base_fields if hasattr(current, f)}
    initial["effective_from"] = None
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_scheme(
                scheme=scheme,
                by=request.user,
                effective_from=form.cleaned_data["effective_from"],
                terms=form.terms(),
            )
        except services.MobilityError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("La nouvelle version de la formule est enregistrée."))
            return redirect(scheme)
    return render(
        request,
        "mobility/scheme_detail.html",
        {
            "scheme": scheme,
            "network": scheme.network,
            "versions": scheme.prefetched_versions,
            "current": current,
            "form": form,
            "grant_form": GrantForm(places=network_member_places(network=scheme.network)),
            "passes": scheme.passes.select_related("holder", "home_place").order_by(
                "status", "-created_at"
            ),
        },
    )


@login_required
def pass_grant(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_coordinator(user=request.user, slug=slug, pk=pk)
    form = GrantForm(request.POST or None, places=network_member_places(network=scheme.network))
    if request.method == "POST" and form.is_valid():
        holder = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if holder is None:
            form.add_error("email", _("Aucun compte n'a cette adresse."))
        else:
            try:
                services.grant_pass(
                    by=request.user,
                    scheme=scheme,
                    holder=holder,
                    home_place=form.cleaned_data["home_place"],
                )
            except services.MobilityError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Le pass est attribué."))
                return redirect(scheme)
    return render(request, "mobility/pass_grant.html", {"scheme": scheme, "form": form})
