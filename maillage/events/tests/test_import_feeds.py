"""Import of a place's public iCalendar URL, served by a local HTTP server (no outside network):
events created and de-duplicated by UID, updates, vanished events cancelled, recurring ones keep
their RRULE, errors stored in French and nothing half-saved."""

import contextlib
import datetime
import http.server
import threading
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from maillage.events import ical_import, tasks
from maillage.events.models import Event, FeedSource

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class FeedServer:
    """Serve `routes[path] = (status, content_type, body)`; remember the If-None-Match seen."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.seen_etags: list[str] = []
        self.delay = 0.0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.seen_etags.append(self.headers.get("If-None-Match", ""))
                if outer.delay:
                    threading.Event().wait(outer.delay)
                status, content_type, body = outer.routes.get(
                    self.path, (404, "text/plain", b"not found")
                )
                if status == 200 and self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if status == 200:
                    self.send_header("ETag", '"v1"')
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def server(settings):
    settings.EVENT_FEEDS_ALLOW_PRIVATE_HOSTS = True
    feed_server = FeedServer()
    feed_server.thread.start()
    yield feed_server
    feed_server.httpd.shutdown()
    feed_server.httpd.server_close()


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 1, 1, 8, 0, tzinfo=PARIS), tick=False):
        yield


def calendar(*vevents: str) -> bytes:
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//FR", *vevents, "END:VCALENDAR", ""]
    )
    return body.encode()


def vevent(uid: str, summary: str, start: str, end: str, *extra: str) -> str:
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20251201T000000Z",
            f"SUMMARY:{summary}",
            f"DTSTART;TZID=Europe/Paris:{start}",
            f"DTEND;TZID=Europe/Paris:{end}",
            *extra,
            "END:VEVENT",
        ]
    )


REPAIR = vevent("repair@bobine", "Repair café", "20260110T140000", "20260110T170000")
WEEKLY = vevent(
    "weekly@bobine",
    "Permanence numérique",
    "20260106T100000",
    "20260106T120000",
    "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4",
    "EXDATE;TZID=Europe/Paris:20260113T100000",
)


@pytest.fixture
def source(place, alice, server):
    server.routes["/agenda.ics"] = (200, "text/calendar", calendar(REPAIR, WEEKLY))
    return FeedSource.objects.create(place=place, url=server.url("/agenda.ics"), created_by=alice)


def test_each_vevent_becomes_an_event_of_the_place_and_recurring_ones_keep_their_rule(
    source, place, frozen
):
    result = ical_import.import_feed(source=source)
    assert (result.status, result.created) == ("ok", 2)
    repair = Event.objects.get(source=source, source_uid="repair@bobine")
    assert (repair.place, repair.title) == (place, "Repair café")
    assert repair.starts_at == datetime.datetime(2026, 1, 10, 14, 0, tzinfo=PARIS)
    weekly = Event.objects.get(source_uid="weekly@bobine")
    assert weekly.rrule == "FREQ=WEEKLY;COUNT=4;BYDAY=TU"
    # Four Tuesdays, one excluded.
    days = [o.starts_at.astimezone(PARIS).day for o in weekly.occurrences.filter(cancelled=False)]
    assert days == [6, 20, 27]
    source.refresh_from_db()
    assert (source.last_status, source.last_count, source.etag) == ("ok", 2, '"v1"')


def test_importing_again_updates_by_uid_and_cancels_vanished_future_events(source, server, frozen):
    ical_import.import_feed(source=source)
    moved = vevent(
        "repair@bobine", "Repair café (nouvelle heure)", "20260110T150000", "20260110T180000"
    )
    server.routes["/agenda.ics"] = (200, "text/calendar", calendar(moved))
    source.etag = ""
    result = ical_import.import_feed(source=source)
    assert (result.created, result.updated, result.cancelled) == (0, 1, 1)
    assert Event.objects.filter(source=source).count() == 2
    repair = Event.objects.get(source_uid="repair@bobine")
    assert repair.title == "Repair café (nouvelle heure)"
    assert repair.occurrences.get().starts_at == datetime.datetime(2026, 1, 10, 15, tzinfo=PARIS)
    assert Event.objects.get(source_uid="weekly@bobine").status == Event.Status.CANCELLED


def test_an_unchanged_feed_is_not_read_again(source, server, frozen):
    ical_import.import_feed(source=source)
    result = ical_import.import_feed(source=source)
    assert result.status == "unchanged"
    assert server.seen_etags[-1] == '"v1"'
    assert Event.objects.filter(source=source).count() == 2


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ((200, "text/html", b"<!DOCTYPE html><html><body>Agenda</body></html>"), "page web"),
        ((200, "text/plain", b"hello, world"), "pas un calendrier iCalendar"),
        ((404, "text/plain", b"nope"), "introuvable"),
        ((500, "text/plain", b"boom"), "erreur 500"),
        ((200, "text/calendar", b"BEGIN:VCALENDAR\r\n" + b"X" * (3 * 1024 * 1024)), "volumineux"),
    ],
)
def test_an_unreadable_feed_stores_a_french_error_and_changes_nothing(
    source, server, frozen, route, message
):
    ical_import.import_feed(source=source)
    before = list(Event.objects.values_list("title", "status", "starts_at"))
    server.routes["/agenda.ics"] = route
    source.etag = ""
    result = ical_import.import_feed(source=source)
    assert result.status == "error"
    source.refresh_from_db()
    assert source.last_status == "error"
    assert message in source.last_error
    assert list(Event.objects.values_list("title", "status", "starts_at")) == before


def test_a_feed_that_does_not_answer_in_time_is_an_error(source, server, monkeypatch, frozen):
    monkeypatch.setattr(ical_import, "TIMEOUT_SECONDS", 0.3)
    server.delay = 1.5
    result = ical_import.import_feed(source=source)
    assert result.status == "error"
    assert "n'a pas répondu" in result.error
    assert not Event.objects.exists()


def test_one_bad_event_rolls_the_whole_feed_back(source, server, frozen):
    nonsense = vevent(
        "bad@bobine", "Règle absurde", "20260106T100000", "20260106T120000", "RRULE:FREQ=SECONDLY"
    )
    server.routes["/agenda.ics"] = (200, "text/calendar", calendar(REPAIR, nonsense))
    result = ical_import.import_feed(source=source)
    assert result.status == "error"
    assert "rien n'a été enregistré" in result.error
    assert not Event.objects.exists()


def test_private_addresses_are_refused_outside_tests(place, settings):
    settings.EVENT_FEEDS_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ical_import.FeedError, match="pas publique"):
        ical_import.fetch_feed(url="http://127.0.0.1:9/agenda.ics")


def test_the_command_imports_every_active_source(source, frozen, capsys):
    call_command("import_event_feeds")
    assert Event.objects.filter(source=source).count() == 2
    assert "1 calendrier lu" in capsys.readouterr().out


def test_the_task_imports_every_active_source_and_counts_failures(source, frozen):
    assert tasks.import_event_feeds.enqueue().return_value == 0
    assert Event.objects.filter(source=source).count() == 2


def test_the_manager_adds_a_source_and_sees_what_was_read(client, alice, place, server, frozen):
    server.routes["/cal.ics"] = (200, "text/calendar", calendar(REPAIR))
    client.force_login(alice)
    url = reverse("events:feed-sources", args=["la-bobine"])
    response = client.post(url, {"url": server.url("/cal.ics")}, follow=True)
    assert response.status_code == 200
    assert "1 animation ajoutée" in response.content.decode()
    assert Event.objects.filter(place=place, title="Repair café").exists()


def test_adding_a_non_calendar_url_shows_the_error_on_the_page(client, alice, server, frozen):
    server.routes["/page.html"] = (200, "text/html", b"<html><body>Agenda</body></html>")
    client.force_login(alice)
    url = reverse("events:feed-sources", args=["la-bobine"])
    response = client.post(url, {"url": server.url("/page.html")}, follow=True)
    body = response.content.decode()
    assert "page web, pas un calendrier" in body
    assert not Event.objects.exists()


def test_bad_urls_and_duplicates_are_refused_with_a_french_message(client, alice, source):
    client.force_login(alice)
    url = reverse("events:feed-sources", args=["la-bobine"])
    response = client.post(url, {"url": "ftp://example.org/x.ics"})
    assert response.status_code == 422
    assert "Saisissez une URL valide" in response.content.decode() or "adresse" in (
        response.content.decode()
    )
    response = client.post(url, {"url": source.url})
    assert response.status_code == 422
    assert "déjà importé" in response.content.decode()
    assert FeedSource.objects.count() == 1


def test_the_manager_removes_a_source_and_its_events(client, alice, source, frozen):
    ical_import.import_feed(source=source)
    client.force_login(alice)
    client.post(reverse("events:feed-source-delete", args=["la-bobine", source.pk]))
    assert not FeedSource.objects.exists()
    assert not Event.objects.exists()
