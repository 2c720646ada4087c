"""Pages of the qualification grids, the qualifying of a commons, and the questions (FAQ)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from maillage.accounts.requests import person
from maillage.commons import qualification, selectors
from maillage.commons.forms import GridForm, QualifyForm, QuestionForm
from maillage.commons.models import Domain, Grid, Question
from maillage.lib.forms import show_refusal
from maillage.networks.selectors import networks_guided_by


@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    networks = networks_guided_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied(_("Les grilles sont écrites par les aiguilleur·ses d'un réseau."))
    grids = Grid.objects.filter(network__in=networks).select_related("network", "created_by")
    return render(
        request,
        "commons/grid_list.html",
        {"grids": grids.prefetch_related("criteria")},
    )


@login_required
def grid_create(request: HttpRequest) -> HttpResponse:
    networks = networks_guided_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied(_("Les grilles sont écrites par les aiguilleur·ses d'un réseau."))
    initial = {}
    base = Grid.objects.filter(network__in=networks, pk=request.GET.get("depuis") or 0).first()
    if base is not None:
        # A new version starts from the current one.
        initial = {
            "network": base.network_id,
            "nature": base.nature,
            "criteria": "\n".join(
                f"{c.label} : {' | '.join(c.levels)}" for c in base.criteria.all()
            ),
        }
    form = GridForm(request.POST or None, networks=networks, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            grid = qualification.create_grid(
                network=form.cleaned_data["network"],
                by=person(request),
                nature=form.cleaned_data["nature"],
                criteria_text=form.cleaned_data["criteria"],
            )
        except qualification.InvalidCommons as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, _("La grille est enregistrée (version %(v)s).") % {"v": grid.version}
            )
            return redirect("commons:grids")
    return render(request, "commons/grid_form.html", {"form": form})


@login_required
def qualify(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_commons_for_curator(user=request.user, slug=slug)
    grid = qualification.current_grid(network=commons.network, nature=commons.nature)
    if grid is None:
        messages.warning(
            request,
            _(
                "Le réseau n'a pas encore de grille pour cette nature de commun : écrivez-la d'abord."
            ),
        )
        return redirect("commons:grid-create")
    criteria = list(grid.criteria.all())
    form = QualifyForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            qualification.qualify(
                commons=commons,
                by=person(request),
                answers=form.answers(),
                note=form.cleaned_data["note"],
            )
        except qualification.InvalidCommons as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Votre qualification est publiée sur la page du commun."))
            return redirect(commons)
    return render(request, "commons/qualify.html", {"form": form, "commons": commons, "grid": grid})


def question_list(request: HttpRequest) -> HttpResponse:
    questions = Question.objects.prefetch_related(
        "commons", "contacts__user", "contacts__commons", "places"
    ).select_related("network")
    by_domain: dict[str, list[Question]] = {}
    for question in questions:
        by_domain.setdefault(question.get_domain_display(), []).append(question)
    context = {
        "by_domain": sorted(by_domain.items()),
        "may_write": networks_guided_by(user=request.user).exists(),
        "domains": Domain.choices,
    }
    return render(request, "commons/question_list.html", context)


@login_required
def question_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    networks = networks_guided_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied(
            _("La foire aux questions est écrite par les aiguilleur·ses d'un réseau.")
        )
    question = get_object_or_404(Question, pk=pk, network__in=networks) if pk else None
    form = QuestionForm(request.POST or None, instance=question, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = qualification.QuestionData(
            network=form.cleaned_data["network"],
            domain=form.cleaned_data["domain"],
            question=form.cleaned_data["question"],
            answer=form.cleaned_data["answer"],
            commons=list(form.cleaned_data["commons"]),
            contacts=list(form.cleaned_data["contacts"]),
            places=list(form.cleaned_data["places"]),
        )
        try:
            qualification.save_question(by=person(request), data=data, question=question)
        except qualification.InvalidCommons as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("La question est enregistrée."))
            return redirect("commons:questions")
    return render(request, "commons/question_form.html", {"form": form, "question": question})
