"""Pages where a person manages their API tokens (/moi/jetons/)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts import api_tokens
from maillage.lib.forms import show_refusal


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        help_text=gettext_lazy("À quoi il sert, pour le reconnaître plus tard."),
        error_messages={"required": gettext_lazy("Donnez un nom à ce jeton.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = api_tokens.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        except api_tokens.ApiTokenError as exc:
            show_refusal(form, exc)
        else:
            # The key is shown on this very response, never again: no redirect, no storage.
            form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": api_tokens.tokens_of(user=request.user),
        "new_key": new_key,
        "new_token": new_token,
    }
    response = render(request, "accounts/api_tokens.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_tokens.get_token_for_owner(user=request.user, pk=pk)
    try:
        api_tokens.revoke_api_token(token=token, by=request.user)
    except api_tokens.ApiTokenError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, _("Jeton « %(name)s » révoqué.") % {"name": token.name})
    return redirect("accounts:api-tokens")
