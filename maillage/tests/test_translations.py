"""The interface is written in French; English comes from the committed catalogue."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")
FORM_ACTION = f'action="{reverse("set_language")}"'


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: flags, msgctxt (when set), msgid, msgid_plural, msgstr
    (list of forms)."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#~"):
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                field = int(match.group(1) or 0)
                entry["msgstr"][field] = value
            else:
                field = keyword
                entry[field] = value
    return [entry for entry in entries if entry["msgid"]]


@pytest.fixture(autouse=True)
def back_to_french_afterwards():
    """Requests in English activate English for the thread: do not leak it into other tests."""
    yield
    translation.deactivate()


@pytest.fixture(scope="module")
def po_entries():
    return parse_po(CATALOGUE / "django.po")


def test_the_english_catalogue_has_entries(po_entries):
    assert len(po_entries) > 100


def test_no_english_entry_is_empty_or_fuzzy(po_entries):
    untranslated = [
        entry["msgid"]
        for entry in po_entries
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"].values())
    ]
    assert untranslated == []


def test_plural_entries_have_a_singular_and_a_plural_form(po_entries):
    plurals = [entry for entry in po_entries if entry["msgid_plural"] is not None]
    assert plurals
    assert all(sorted(entry["msgstr"]) == [0, 1] for entry in plurals)


def test_translations_keep_every_placeholder_of_the_french_source(po_entries):
    mismatches = []
    for entry in po_entries:
        sources = [entry["msgid"], entry["msgid_plural"] or entry["msgid"]]
        for index, translated in entry["msgstr"].items():
            expected = sorted(PLACEHOLDER.findall(sources[min(index, 1)]))
            if sorted(PLACEHOLDER.findall(translated)) != expected:
                mismatches.append((entry["msgid"], translated))
    assert mismatches == []


def test_the_compiled_catalogue_matches_the_po_file(po_entries):
    with open(CATALOGUE / "django.mo", "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = []
    for entry in po_entries:
        context = entry.get("msgctxt")
        if entry["msgid_plural"] is None:
            found = (
                compiled.pgettext(context, entry["msgid"])
                if context is not None
                else compiled.gettext(entry["msgid"])
            )
            if found != entry["msgstr"][0]:
                stale.append(entry["msgid"])
        else:
            forms = (entry["msgid"], entry["msgid_plural"])
            if context is not None:
                singular = compiled.npgettext(context, *forms, 1)
                plural = compiled.npgettext(context, *forms, 2)
            else:
                singular = compiled.ngettext(*forms, 1)
                plural = compiled.ngettext(*forms, 2)
            if [singular, plural] != [entry["msgstr"][0], entry["msgstr"][1]]:
                stale.append(entry["msgid"])
    assert stale == []
    # The header is the only extra key of the compiled catalogue.
    assert len(compiled._catalog) - 1 == sum(len(entry["msgstr"]) for entry in po_entries)


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "the page has no <h1>"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "french", "english"),
    [("/lieux/", "Lieux", "Places"), ("/reseaux/", "Réseaux", "Networks")],
)
def test_list_pages_are_in_french_by_default(client, url, french, english):
    response = client.get(url)
    assert response.status_code == 200
    assert h1(response) == french
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english"),
    [("/lieux/", "Places"), ("/reseaux/", "Networks")],
)
def test_list_pages_are_in_english_for_a_browser_asking_for_english(client, url, english):
    response = client.get(url, headers={"accept-language": "en-GB,en;q=0.9"})
    assert response.status_code == 200
    assert h1(response) == english
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Skip to content" in content
    assert "Aller au contenu" not in content


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser_preference(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/reseaux/", headers={"accept-language": "fr"})
    assert h1(response) == "Networks"


def assert_has_language_switch(response, url):
    content = response.content.decode()
    assert response.status_code in (200, 404), url
    assert FORM_ACTION in content, url
    assert 'name="language"' in content, url
    assert '<option value="en"' in content, url


@pytest.mark.django_db
def test_the_language_switch_form_is_on_every_kind_of_page(client, place, network_a, alice):
    anonymous_urls = [
        "/",
        "/lieux/",
        place.get_absolute_url(),
        "/reseaux/",
        network_a.get_absolute_url(),
        reverse("account_login"),
        reverse("account_signup"),
        "/page-qui-n-existe-pas/",
    ]
    for url in anonymous_urls:
        assert_has_language_switch(client.get(url), url)
    client.force_login(alice)
    for url in [reverse("accounts:profile"), reverse("places:my-places")]:
        assert_has_language_switch(client.get(url), url)


@pytest.mark.django_db
def test_switching_to_english_translates_the_interface_from_then_on(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/lieux/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/lieux/"
    assert h1(response) == "Places"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert h1(client.get("/reseaux/")) == "Networks"


@pytest.mark.django_db
def test_switching_back_to_french_restores_the_french_interface(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "/reseaux/"}, follow=True
    )
    assert h1(response) == "Réseaux"
