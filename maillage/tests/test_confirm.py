"""The shared confirmation step: only the POST of "Confirmer" counts; `next` stays on the site."""

from django.test import RequestFactory

from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation, safe_next


def test_only_a_post_with_the_flag_is_confirmed(rf: RequestFactory):
    assert is_confirmed(rf.post("/x/", {"confirm": "oui"}))
    assert not is_confirmed(rf.post("/x/"))
    assert not is_confirmed(rf.post("/x/", {"confirm": "on"}))
    assert not is_confirmed(rf.get("/x/", {"confirm": "oui"}))


def test_next_must_stay_on_the_site(rf: RequestFactory):
    assert safe_next(rf.get("/x/", {"next": "/reseaux/"})) == "/reseaux/"
    assert safe_next(rf.post("/x/", {"next": "https://evil.example/"})) == ""


def test_the_page_carries_next_and_cancels_back_to_it(rf: RequestFactory, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/x/", {"next": "/reseaux/a/adhesions/"})
    request.user = AnonymousUser()
    page = render_confirmation(
        request,
        Confirmation(
            title="Payer 12 € ?",
            facts=[("Montant", "12 €")],
            consequences=["12 € partent tout de suite."],
            confirm_label="Confirmer : payer 12 €",
            cancel_url="/ailleurs/",
        ),
    ).content.decode()
    assert '<input type="hidden" name="next" value="/reseaux/a/adhesions/">' in page
    assert '<input type="hidden" name="confirm" value="oui">' in page
    assert 'href="/reseaux/a/adhesions/"' in page and "/ailleurs/" not in page
    assert "12 € partent tout de suite." in page
