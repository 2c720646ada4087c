from maillage.demo.services import load_demo
from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search
from maillage.places.models import Place


def test_demo_places_are_indexed_for_search_and_scored_for_freshness(census_csv, demo_communes):
    load_demo(census_path=census_csv, local_networks=2)

    filters, _notices = SearchFilters.from_query({"q": "fablab"})
    results = search(filters)
    assert results.total >= 1
    assert "Fablab de Douai" in {result.place.name for result in results.results}
    assert not Place.objects.filter(freshness_score=0).exists()
