"""Pages of the co-funding campaigns: the list, the public page (progress and transparency), the
pledge, and the coordinators' work (receipts, closing, payouts) — each irreversible step confirmed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.commons import campaign_selectors as reads
from maillage.commons import campaigns
from maillage.commons.campaign_forms import (
    CampaignForm,
    PayoutForm,
    PledgeForm,
    ReceiptForm,
    RejectForm,
)
from maillage.commons.models import Campaign, Commons, Payout, Pledge
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.french import de
from maillage.lib.money import format_cents
from maillage.networks.selectors import networks_coordinated_by
from maillage.places.selectors import places_managed_by


def campaign_list(request: HttpRequest) -> HttpResponse:
    rows = [(c, reads.figures(c)) for c in reads.public_campaigns()[:100]]
    return render(
        request,
        "commons/campaign_list.html",
        {
            "rows": rows,
            "may_create": networks_coordinated_by(user=request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    networks = networks_coordinated_by(user=request.user).order_by("name")
    if not networks.exists():
        raise Http404
    form = CampaignForm(
        request.POST or None,
        networks=networks,
        commons=Commons.objects.filter(network__in=networks).order_by("name"),
        initial={"kind": Campaign.Kind.ALL_OR_NOTHING, "hour_rate": 2000},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaigns.create_campaign(
                    network=data["network"],
                    by=request.user,  # type: ignore[arg-type]
                    data=campaigns.CampaignData(
                        title=data["title"],
                        description=data["description"],
                        pays_for=data["pays_for"],
                        kind=data["kind"],
                        commons=data["commons"],
                        min_goal_cents=data["min_goal"],
                        goal_cents=data["goal"],
                        max_goal_cents=data["max_goal"],
                        secured_cents=data["secured"] or 0,
                        secured_note=data["secured_note"],
                        deadline=data["deadline"],
                        match_funder=data["match_funder"],
                        match_cap_cents=data["match_cap"] or 0,
                        hour_rate_cents=data["hour_rate"] or 0,
                    ),
                )
            except campaigns.CampaignError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Campagne ouverte."))
                return redirect(campaign)
    return render(request, "commons/campaign_form.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    manager = reads.can_manage_campaign(user=request.user, campaign=campaign)
    return {
        "campaign": campaign,
        "figures": reads.figures(campaign),
        "pledges": reads.public_pledges(campaign)[:50],
        "my_pledges": reads.pledges_of(user=request.user, campaign=campaign),
        "payouts": reads.payouts(campaign, with_pending=manager),
        "manager": manager,
        "may_close": manager and reads.may_close(campaign),
        "may_request_payout": campaign.status == Campaign.Status.SUCCEEDED
        and reads.can_request_payout(user=request.user, campaign=campaign),
        "open": campaign.status == Campaign.Status.OPEN and campaign.deadline > timezone.now(),
        "seeds": reads.seed_budgets(campaign),
    }


def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page: progress, what the money pays, the transparency figures."""
    campaign = reads.get_campaign(slug=slug)
    return render(request, "commons/campaign_detail.html", _detail_context(request, campaign))


def _pledge_form(request: HttpRequest, campaign: Campaign, data: Any = None) -> PledgeForm:
    return PledgeForm(
        data,
        places=places_managed_by(user=request.user).order_by("name"),
        networks=networks_coordinated_by(user=request.user).order_by("name"),
        may_record_funder=reads.can_manage_campaign(user=request.user, campaign=campaign),
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_pledge(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = reads.get_campaign(slug=slug)
    form = _pledge_form(request, campaign, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            pledge_data = campaigns.PledgeData(
                by_kind=data["by_kind"],
                amount_cents=data["amount"] or 0,
                hours=data["hours"] or 0,
                anonymous=data["anonymous"],
                place=data.get("place"),
                network=data.get("network"),
                funder_name=data.get("funder_name") or "",
            )
            if not is_confirmed(request):
                hidden = {
                    name: str(value)
                    for name, value in request.POST.items()
                    if name not in ("csrfmiddlewaretoken", "confirm")
                }
                facts = [(_("Campagne"), campaign.title)]
                if pledge_data.amount_cents:
                    facts.append((_("Montant"), format_cents(pledge_data.amount_cents)))
                if pledge_data.hours:
                    facts.append((_("Heures"), str(pledge_data.hours)))
                consequences = [
                    _(
                        "Votre promesse compte aussitôt dans la barre de progression ; vous ne "
                        "payez rien maintenant."
                    ),
                    _(
                        "À la clôture, si la campagne réussit, la coordination vous appelle à "
                        "verser le montant par virement."
                    ),
                ]
                if campaign.kind == Campaign.Kind.ALL_OR_NOTHING:
                    consequences.append(
                        _("Si l'objectif minimum n'est pas atteint, la promesse est annulée.")
                    )
                return render_confirmation(
                    request,
                    Confirmation(
                        title=_("Confirmer votre promesse"),
                        confirm_label=_("Je promets"),
                        cancel_url=campaign.get_absolute_url(),
                        facts=facts,
                        consequences=consequences,
                        hidden=hidden,
                        back_url=campaign.get_absolute_url(),
                        back_label=campaign.title,
                    ),
                )
            try:
                campaigns.pledge(
                    campaign=campaign,
                    data=pledge_data,
                    by=request.user,  # type: ignore[arg-type]
                    idempotency_key=data["idempotency_key"],
                )
            except campaigns.CampaignError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Merci ! Votre promesse est enregistrée."))
                return redirect(campaign)
    return render(
        request,
        "commons/campaign_pledge.html",
        {
            "campaign": campaign,
            "form": form,
            "figures": reads.figures(campaign),
            "open": campaign.status == Campaign.Status.OPEN and campaign.deadline > timezone.now(),
        },
        status=status,
    )


@login_required
def campaign_pledges(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinators' list: every pledge with who made it, and what was received."""
    campaign = reads.get_campaign_for_manager(user=request.user, slug=slug)
    return render(
        request,
        "commons/campaign_pledges.html",
        {
            "campaign": campaign,
            "pledges": reads.all_pledges(campaign),
            "figures": reads.figures(campaign),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_receipt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = reads.get_campaign_for_manager(user=request.user, slug=slug)
    pledge = get_object_or_404(Pledge, campaign=campaign, pk=pk)
    form = ReceiptForm(request.POST or None, initial={"received_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not is_confirmed(request):
                return render_confirmation(
                    request,
                    Confirmation(
                        title=_("Enregistrer ce versement"),
                        confirm_label=_("Enregistrer le versement"),
                        cancel_url=reverse("commons:campaign-pledges", args=[campaign.slug]),
                        facts=[
                            (_("De"), pledge.name),
                            (_("Montant"), format_cents(pledge.amount_cents)),
                            (_("Référence"), data["reference"]),
                            (_("Reçu le"), formats.date_format(data["received_on"])),
                        ],
                        consequences=[
                            _(
                                "Un virement est inscrit au grand livre vers le compte de la "
                                "campagne (et l'abondement s'il y en a un) ; il ne s'efface pas."
                            )
                        ],
                        hidden={
                            "method": data["method"],
                            "reference": data["reference"],
                            "received_on": data["received_on"].isoformat(),
                        },
                    ),
                )
            try:
                campaigns.record_receipt(
                    pledge=pledge,
                    method=data["method"],
                    reference=data["reference"],
                    received_on=data["received_on"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except campaigns.CampaignError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Versement enregistré au grand livre."))
                return redirect("commons:campaign-pledges", slug=campaign.slug)
    return render(
        request,
        "commons/campaign_small_form.html",
        {
            "campaign": campaign,
            "form": form,
            "title": _("Versement %(de_who)s") % {"de_who": de(pledge.name)},
            "intro": _("Promesse de %(amount)s.") % {"amount": format_cents(pledge.amount_cents)},
            "multipart": False,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_close(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = reads.get_campaign_for_manager(user=request.user, slug=slug)
    found = reads.figures(campaign)
    failing = (
        campaign.kind == Campaign.Kind.ALL_OR_NOTHING
        and found.pledged_total_cents < campaign.min_goal_cents
    ) or found.pledges == 0
    if not is_confirmed(request):
        consequences = (
            [
                _("Les promesses sont annulées."),
                _("L'argent déjà reçu est remboursé par le grand livre."),
            ]
            if failing
            else [_("Les promesses sont appelées : chaque contributeur est invité à verser.")]
        )
        return render_confirmation(
            request,
            Confirmation(
                title=_("Clore la campagne"),
                confirm_label=_("Clore la campagne"),
                cancel_url=campaign.get_absolute_url(),
                facts=[
                    (_("Promis (abondement compris)"), format_cents(found.pledged_total_cents)),
                    (_("Objectif minimum"), format_cents(campaign.min_goal_cents)),
                ],
                consequences=consequences,
                danger=failing,
            ),
        )
    try:
        campaigns.close_campaign(campaign=campaign, by=request.user)  # type: ignore[arg-type]
    except campaigns.CampaignError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Campagne close."))
    return redirect(campaign)


@require_http_methods(["GET", "POST"])
@login_required
def payout_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = reads.get_campaign(slug=slug)
    if not reads.can_request_payout(user=request.user, campaign=campaign):
        raise Http404
    form = PayoutForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                payout = campaigns.request_payout(
                    campaign=campaign,
                    amount_cents=data["amount"],
                    description=data["description"],
                    payee_name=data["payee_name"],
                    receipt=data["receipt"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except campaigns.CampaignError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Demande envoyée à la coordination."))
                return redirect("commons:campaign-payout", slug=campaign.slug, pk=payout.pk)
    return render(
        request,
        "commons/campaign_small_form.html",
        {
            "campaign": campaign,
            "form": form,
            "title": _("Demander une dépense"),
            "intro": _(
                "La coordination du réseau valide la dépense (jamais la personne qui la "
                "demande ni celle qui la reçoit), puis le grand livre la paie."
            ),
            "multipart": True,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def payout_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = reads.get_campaign(slug=slug)
    payout = reads.get_payout_for_viewer(user=request.user, campaign=campaign, pk=pk)
    may_review = (
        payout.status == Payout.Status.SUBMITTED
        and reads.can_manage_campaign(user=request.user, campaign=campaign)
        and request.user.pk not in (payout.requested_by_id, payout.payee_user_id)
    )
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    status = 200
    if request.method == "POST" and may_review:
        action = request.POST.get("action")
        if action == "approve" and not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Valider et payer cette dépense"),
                    confirm_label=_("Valider et payer"),
                    cancel_url=request.path,
                    facts=[
                        (_("Dépense"), payout.description),
                        (_("Montant"), format_cents(payout.amount_cents)),
                        (_("Bénéficiaire"), payout.payee_name),
                    ],
                    consequences=[
                        _("Le montant quitte le compte de la campagne dans le grand livre.")
                    ],
                    hidden={"action": "approve"},
                ),
            )
        try:
            if action == "approve":
                campaigns.approve_payout(payout=payout, by=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Dépense validée et payée."))
                return redirect(campaign)
            if action == "reject" and reject_form.is_valid():
                campaigns.reject_payout(
                    payout=payout,
                    by=request.user,  # type: ignore[arg-type]
                    reason=reject_form.cleaned_data["reason"],
                )
                messages.success(request, _("Dépense refusée."))
                return redirect(campaign)
            status = 400
        except campaigns.CampaignError as refusal:
            messages.error(request, str(refusal.message))
            status = 400
    elif request.method == "POST":
        status = 403
    return render(
        request,
        "commons/campaign_payout.html",
        {
            "campaign": campaign,
            "payout": payout,
            "may_review": may_review,
            "reject_form": reject_form,
        },
        status=status,
    )


@login_required
def payout_receipt(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    campaign = reads.get_campaign(slug=slug)
    payout = reads.get_payout_for_viewer(user=request.user, campaign=campaign, pk=pk)
    return FileResponse(
        payout.receipt.open("rb"),
        as_attachment=True,
        filename=(payout.receipt.name or "justificatif").rsplit("/", 1)[-1],
    )
