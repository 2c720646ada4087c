from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.networks.models import Network


def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/network_list.html", {"networks": Network.objects.all()})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    return render(request, "networks/network_detail.html", {"network": network})
