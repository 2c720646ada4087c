"""Pages of debates and collective proposals: thin views over selectors and services."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.governance import selectors


def index(request: HttpRequest) -> HttpResponse:
    spaces = selectors.spaces_for(user=request.user)
    context = {
        "spaces": spaces,
        "treasured": selectors.networks_treasured_by(user=request.user),
    }
    return render(request, "governance/index.html", context)
