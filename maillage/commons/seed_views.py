"""Pages of the seed budgets of *défis*: a campaign's coordinators plan them, then — once the
campaign succeeded and holds the money — grant each one into its circle's budget (confirmed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.accounts.requests import person
from maillage.circles.selectors import circle_url, get_circle_by_pk
from maillage.commons import campaign_selectors as reads
from maillage.commons import seeds
from maillage.commons.campaign_forms import SeedForm
from maillage.commons.campaigns import CampaignError
from maillage.commons.models import SeedBudget
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.money import format_cents


@require_http_methods(["GET", "POST"])
@login_required
def seed_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = reads.get_campaign_for_manager(user=request.user, slug=slug)
    circles = seeds.circles_for(campaign)
    form = SeedForm(request.POST or None, circles=circles)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = seeds.SeedData(
                challenge=form.cleaned_data["challenge"],
                holder_name=form.cleaned_data["holder_name"],
                amount_cents=form.cleaned_data["amount"],
                circle_id=form.cleaned_data["circle"],
            )
            try:
                seeds.plan_seed_budget(campaign=campaign, data=data, by=person(request))
            except CampaignError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(
                    request,
                    _("Budget d'amorçage prévu : il sera versé au cercle une fois l'argent reçu."),
                )
                return redirect(campaign)
    intro = _(
        "Un budget d'amorçage (environ 2 000 €) paie les personnes qui portent un défi. Il "
        "devient une enveloppe du cercle choisi ; les dépenses passent par ses propositions."
    )
    if not circles:
        intro = _(
            "Le réseau n'a encore aucun cercle : créez-en un pour qu'il gère les budgets "
            "d'amorçage."
        )
    return render(
        request,
        "commons/campaign_small_form.html",
        {
            "campaign": campaign,
            "form": form,
            "title": _("Prévoir un budget d'amorçage"),
            "intro": intro,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def seed_grant(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = reads.get_campaign_for_manager(user=request.user, slug=slug)
    seed = get_object_or_404(SeedBudget, pk=pk, campaign=campaign)
    circle = get_circle_by_pk(seed.circle_id)
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Verser le budget d'amorçage au cercle"),
                confirm_label=_("Verser %(amount)s") % {"amount": format_cents(seed.amount_cents)},
                cancel_url=campaign.get_absolute_url(),
                facts=[
                    (_("Défi"), seed.challenge),
                    (_("Porté par"), seed.holder_name),
                    (_("Montant"), format_cents(seed.amount_cents)),
                    (_("Cercle"), circle.name if circle else "—"),
                    (_("En caisse"), format_cents(reads.figures(campaign).balance_cents)),
                ],
                consequences=[
                    _("L'argent quitte le compte de la campagne pour le budget du cercle."),
                    _("Le cercle reçoit une enveloppe au nom de la campagne."),
                    _("Les dépenses du défi passent ensuite par les propositions du cercle."),
                ],
            ),
        )
    try:
        seeds.grant_seed_budget(seed=seed, by=person(request))
    except CampaignError as refusal:
        messages.error(request, str(refusal.message))
        return redirect(campaign)
    messages.success(request, _("Le budget d'amorçage est versé au cercle."))
    return redirect(circle_url(circle) if circle else campaign.get_absolute_url())
