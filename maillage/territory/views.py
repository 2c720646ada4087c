from django.http import HttpRequest, JsonResponse

from maillage.territory.selectors import search_communes


def commune_search(request: HttpRequest) -> JsonResponse:
    """Communes matching a postal code or the start of a name, for the place form."""
    results = search_communes(query=request.GET.get("q", ""), limit=10)
    return JsonResponse(
        {
            "results": [
                {
                    "code_insee": c.code_insee,
                    "label": f"{c.name} ({', '.join(c.postal_code_list) or c.department_code})",
                    "name": c.name,
                    "postal_codes": c.postal_code_list,
                    "department": c.department,
                    "latitude": c.latitude,
                    "longitude": c.longitude,
                }
                for c in results
            ]
        }
    )
