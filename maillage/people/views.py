"""The pages of a person (/moi/): their profile with their roles in networks and places, their
skills, and the public page of someone else, showing the skills their visibility allows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts import services
from maillage.accounts.forms import ProfileForm, SkillForm
from maillage.lib.forms import show_refusal
from maillage.people import selectors


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    network_roles, place_roles = selectors.profile_roles(user=user)
    context = {
        "person": user,
        "network_roles": network_roles,
        "place_roles": place_roles,
        "skills": selectors.visible_skills(viewer=user, person=user),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    url = reverse("territory:commune-search")
    if request.method == "POST":
        form = ProfileForm(request.POST, commune_search_url=url)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_profile(
                    user=user,
                    display_name=data["display_name"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    bio=data["bio"],
                    phone=data["phone"],
                    commune=data["commune"],
                )
            except services.AccountsError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("Votre profil est enregistré."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user), commune_search_url=url)
    return render(request, "accounts/profile_form.html", {"form": form})


@login_required
def skill_add(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.add_skill(user=request.user, **form.cleaned_data)
        except services.AccountsError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Compétence « %(name)s » ajoutée.") % {"name": skill.name})
            return redirect("accounts:profile")
    return render(request, "accounts/skill_form.html", {"form": form, "skill": None})


@login_required
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    skill = selectors.get_skill_for_owner(user=request.user, pk=pk)
    if request.method == "POST":
        form = SkillForm(request.POST)
        if form.is_valid():
            try:
                services.update_skill(skill=skill, **form.cleaned_data)
            except services.AccountsError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("Compétence enregistrée."))
                return redirect("accounts:profile")
    else:
        form = SkillForm(initial=SkillForm.initial_for(skill))
    return render(request, "accounts/skill_form.html", {"form": form, "skill": skill})


@login_required
@require_POST
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    skill = selectors.get_skill_for_owner(user=request.user, pk=pk)
    name = skill.name
    services.delete_skill(skill=skill)
    messages.success(request, _("Compétence « %(name)s » supprimée.") % {"name": name})
    return redirect("accounts:profile")


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(pk=pk)
    context = {
        "person": person,
        "skills": selectors.visible_skills(viewer=request.user, person=person),
        "is_self": selectors.can_see_private_fields(viewer=request.user, person=person),
    }
    return render(request, "accounts/person_detail.html", context)
