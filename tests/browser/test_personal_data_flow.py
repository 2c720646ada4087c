"""A person downloads their data, deletes their account, and the circle's books still balance.

The demo is loaded; its contributor paid by the demo circle signs in, goes to "Mes données" from
her space, downloads her archive (built by the worker, with a progress bar), then deletes her
account. The circle's public transparency page no longer names her, says "compte supprimé",
and shows the same totals; the ledger still balances.
"""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from maillage.circles.models import Expense, PayeeKind
from maillage.ledger.selectors import check_ledger
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_person_downloads_her_data_then_deletes_her_account(site_page, live_server, screenshot):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    paid = (
        Expense.objects.filter(payee_kind=PayeeKind.PERSON, status=Expense.Status.PAID)
        .select_related("payee_user", "proposal__circle")
        .first()
    )
    person, circle = paid.payee_user, paid.proposal.circle
    name, email = person.public_name, person.email
    transparency = reverse("circles:transparency", args=[circle.slug])
    site_page.goto(transparency)
    totals_before = site_page.locator("main").inner_text()
    assert name in totals_before

    log_in_as(site_page, live_server, person)
    site_page.goto("/")
    site_page.get_by_role("link", name="Mon espace").first.click()
    site_page.get_by_role("link", name="Mes données").click()
    expect(site_page.get_by_role("heading", level=1)).to_have_text("Mes données")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Préparer mon archive").click()
    download_link = site_page.get_by_role("link", name="Télécharger l'archive")
    expect(download_link).to_be_visible(timeout=15_000)
    screenshot(site_page, "archive")
    with site_page.expect_download() as download:
        download_link.click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert email in archive.read("profil.json").decode()
        assert "grand_livre.csv" in archive.namelist()

    site_page.get_by_role("link", name="Supprimer mon compte…").click()
    site_page.get_by_label("Recopiez votre adresse e-mail pour confirmer").fill(email)
    site_page.get_by_label(re.compile("Je comprends que la suppression est définitive")).check()
    check_accessibility(site_page)
    screenshot(site_page, "confirm")
    site_page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(site_page.get_by_text("Votre compte est supprimé")).to_be_visible()

    site_page.goto(transparency)
    page_text = site_page.locator("main").inner_text()
    assert name not in page_text
    assert "compte supprimé" in page_text
    amounts = re.compile(r"\d[\d\u202f\u00a0 ]*,\d\d\s?€")
    assert amounts.findall(page_text) == amounts.findall(totals_before)
    assert check_ledger().ok
    screenshot(site_page, "transparency")
