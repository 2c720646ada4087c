from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.places.models import Place


def place_list(request: HttpRequest) -> HttpResponse:
    return render(request, "places/place_list.html", {"places": Place.objects.published()[:50]})


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.published(), slug=slug)
    return render(request, "places/place_detail.html", {"place": place})
