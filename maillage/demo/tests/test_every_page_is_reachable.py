"""Every page of the URL map can be reached by following links, for each persona who may use it.

The demo is built (small census), then each persona — a visitor and the demo's logins, one per
kind of role — follows the links of the site breadth-first from the home page, up to three
clicks. Each page of the site's apps must be reached by every persona whose roles use it; a page
that no link should lead to (a POST action, a download, a link sent by e-mail…) is listed in
EXCLUDED with the reason. A new page must be placed in ROLE_PAGES or EXCLUDED: the test says so.
"""

import html
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from maillage.accounts.models import User
from maillage.demo.everything import load_everything

DEPTH = 3
PER_PAGE_KIND = 2
"""Pages of one kind (URL name) whose links the crawl reads: the first two it meets."""

# --- the URL map ------------------------------------------------------------------------------

SKIPPED_PREFIXES = ("/admin/", "/api/", "/media/", "/static/", "/i18n/")

EXCLUDED = {
    # Probes and assets.
    "healthz": "probe for load balancers",
    "favicon": "browsers ask for it",
    # allauth's internals: reached from its own forms and e-mails, not by links.
    "account_logout": "POST from the menu's logout button",
    "account_inactive": "allauth shows it after a refused login",
    "account_reauthenticate": "allauth asks for it before a sensitive change",
    "account_email_verification_sent": "shown after sign-up",
    "account_set_password": "for accounts without a password only",
    "account_confirm_login_code": "login by code, off in this site",
    "account_confirm_email": "link in an e-mail",
    "account_reset_password_from_key": "link in an e-mail",
    "account_reset_password_from_key_done": "after the reset form",
    "account_reset_password_done": "after the reset form",
    # Links sent by e-mail or printed.
    "freshness:token-confirm": "link in the freshness reminder e-mail",
    "events:invitation": "link in an invitation e-mail",
    "events:invitation-accept": "POST from the invitation page",
    "events:invitation-decline": "POST from the invitation page",
    "events:registration-confirm": "link in the e-mail to a guest",
    "events:registration-cancel-guest": "link in the e-mail to a guest",
    "events:feed-personal": "secret calendar address, given on its own page",
    "mobility:check-in-qr": "address inside the visitor's QR code",
    "commons:request-confirm": "link in the e-mail to whom asked for an orientation",
    "commons:orientation": "secret follow-up address, given after asking and by e-mail",
    "communication:network-permanences-ics": "calendar feed, subscribed to from a calendar app",
    "communication:place-permanences-ics": "calendar feed, subscribed to from a calendar app",
    "communication:rota-generate": "POST from the rota page",
    "communication:rota-charge": "POST (with confirmation) from the rota page",
    "communication:slot-remove": "POST from the rota page",
    "communication:rota-bracket": "POST from the rota page",
    "communication:request-answer": "POST from the rota page",
    "communication:swap-answer": "POST from the place's permanences page",
    "communication:swap-withdraw": "POST from the place's permanences page",
    "communication:need-orient": "POST from the visit log",
    "communication:card": "an image, on the share page and fetched by social networks",
    "communication:network-rss": "a feed, read by feed readers",
    "communication:network-atom": "a feed, read by feed readers",
    "communication:circle-rss": "a feed, read by feed readers",
    "communication:circle-atom": "a feed, read by feed readers",
    "communication:place-rss": "a feed, read by feed readers",
    "communication:place-atom": "a feed, read by feed readers",
    "communication:widget": "framed by other sites (its code is on the relay page)",
    "communication:weekly-html": "an export to paste in a newsletter",
    "communication:weekly-text": "an export to paste in a newsletter",
    "communication:submission-review": "POST from the proposals queue",
    "communication:kit-version": "POST from a resource's page",
    "communication:circle-tool-add": "POST from the circle's page",
    "communication:circle-tool-remove": "POST from the circle's page",
    "communication:kit-adapt": "POST from a resource's page",
    "communication:kit-review": "POST from a resource's page",
    "communication:kit-download": "a file download",
    "communication:kit-preview": "an image inside the kit's pages",
    "communication:logbook-pdf": "a download, from the logbook page",
    "communication:logbook-photo": "an image inside the logbook page",
    "communication:logbook-add": "POST from the logbook page",
    "communication:coordination-open": "POST from the coordination page",
    "communication:coordination-point": "POST from the coordination page",
    "communication:coordination-item-add": "POST from the coordination page",
    "communication:coordination-item-tick": "POST from the coordination page",
    "communication:coordination-agreement-document": "a file download",
    "commons:follow-up-answer": "link in the 30/90-day follow-up e-mail",
    "services:reference-answer": "signed link in the e-mail asking a place to be cited",
    "services:helper-answer": "signed link in the e-mail to a proposed helper",
    "services:satisfaction": "signed link in the 30/90-day satisfaction e-mail",
    # Fragments and endpoints fetched by scripts.
    "territory:commune-search": "autocomplete fragment (htmx)",
    "search:map-geojson": "data of the map, fetched by its script",
    "events:recurrence-preview": "preview fragment of the event form (htmx)",
    "transfer:run-progress": "progress fragment (htmx)",
    "accounts:data-export-progress": "progress fragment (htmx)",
    # Downloads (their pages link them; a crawl of pages does not need to open them).
    "search:embed": "the frameable map: linked from the home page and the embed code page",
    "observatory:indicator-embed": "the frameable chart: linked from its indicator page",
    # POST-only actions (forms on the pages).
    **{
        name: "POST-only action"
        for name in [
            "accounts:skill-delete",
            "accounts:api-token-revoke",
            "accounts:data-export",
            "accounts:account-delete",
            "freshness:place-confirm",
            "freshness:network-reminder",
            "transfer:run-apply",
            "transfer:run-restart",
            "transfer:run-mapping",
            "opendata:licence",
            "places:manager-remove",
            "places:space-delete",
            "places:equipment-delete",
            "places:photo-delete",
            "networks:role-remove",
            "networks:membership-transition",
            "mobility:booking-cancel",
            "mobility:booking-host-action",
            "mobility:book",
            "circles:circle-join",
            "circles:circle-leave",
            "circles:role-request-withdraw",
            "circles:role-end",
            "circles:envelope-cancel",
            "circles:proposal-withdraw",
            "circles:expense-approve",
            "circles:expense-reject",
            "circles:expense-reverse",
            "circles:meeting-presence",
            "circles:meeting-agenda-remove",
            "circles:meeting-publish",
            "circles:meeting-open",
            "circles:meeting-close",
            "circles:meeting-decide",
            "events:invitation-revoke",
            "events:tour-stop-move",
            "events:tour-stop-remove",
            "events:tour-stop-confirm",
            "events:feed-revoke",
            "events:feed-source-import",
            "events:feed-source-delete",
            "events:unregister",
            "events:register",
            "events:register-guest",
            "events:registration-decide",
            "notifications:read",
            "notifications:read-all",
            "commons:usage-withdraw",
            "commons:help-withdraw",
            "commons:need-support",
            "commons:need-unsupport",
            "services:accompanist-decide",
            "opportunities:call-moderate",
            "opportunities:call-follow",
            "opportunities:call-track",
            "opportunities:partners-wanted",
            "opportunities:partner-offer",
            "opportunities:alert-delete",
            "opportunities:partner-invite",
            "opportunities:invitation-answer",
            "opportunities:budget-split",
            "opportunities:piece-add",
            "opportunities:piece-toggle",
            "opportunities:work-package-add",
            "opportunities:link-add",
            "opportunities:deadline-set",
            "opportunities:letter-upload",
            "opportunities:status-change",
            "opportunities:person-invite",
            "opportunities:envelope-record",
            "opportunities:call-document-add",
        ]
    },
    # Files: CSV, PDF, iCalendar, images.
    **{
        name: "download"
        for name in [
            "accounts:data-export-download",
            "transfer:template",
            "transfer:run-file",
            "transfer:run-report-csv",
            "freshness:network-dashboard-csv",
            "opendata:directory-download",
            "opendata:directory-download-mediation",
            "opendata:directory-download-gogocarto",
            "opendata:download",
            "opendata:download-mediation",
            "opendata:download-gogocarto",
            "mobility:booking-qr",
            "circles:proposal-document",
            "circles:expense-receipt",
            "circles:meeting-minutes-pdf",
            "circles:transparency-csv",
            "circles:transparency-pdf",
            "events:feed-network",
            "events:feed-circle",
            "events:feed-place",
            "events:event-ics",
            "events:occurrence-ics",
            "events:registrants-csv",
            "commons:export",
            "commons:dashboard-csv",
            "commons:needs-csv",
            "observatory:scope-data",
            "observatory:indicator-data",
            "observatory:coverage-data",
            "governance:proposal-action",
            "governance:election-action",
            "commons:campaign-payout-receipt",
            "services:dashboard-csv",
            "opportunities:dashboard-csv",
            "opportunities:import-template",
            "opportunities:letter-download",
            "opportunities:call-document",
        ]
    },
    "governance:position-pdf": "download linked from an adopted proposal's page",
    "governance:receipt-pdf": "download linked from a call's page",
    "governance:tax-receipt-pdf": "download linked from a call's page",
    "governance:certificate-pdf": "download linked from Mon bénévolat",
    "governance:accounting-export": "download linked from the treasury",
    # Pages that need an object the demo does not hold.
    "transfer:run-detail": "an import run (none in the demo): reached after an upload",
    "accounts:skill-edit": "a skill of one's own; the demo's coordinators have none",
    "opportunities:calendar": "secret calendar address, given on the alerts page",
    "opportunities:import-run": "an import run (none in the demo): reached after an upload",
}

# Links that answer an error to some who see them, to fix where they are offered.
KNOWN_REFUSALS: dict[str, str] = {}

# What each kind of role uses. A persona expects the pages of all its roles.
VISITOR = {"account_login", "account_signup", "account_reset_password"}
PUBLIC = {
    "home",
    "search:search",
    "search:map",
    "opendata:index",
    "opendata:network",
    "places:place-list",
    "places:place-detail",
    "networks:network-list",
    "networks:network-detail",
    "circles:circle-list",
    "circles:circle-detail",
    "circles:network-circles",
    "events:agenda",
    "events:event-detail",
    "events:occurrence-detail",
    "mobility:find",
    "commons:list",
    "commons:detail",
    "commons:request-create",
    "commons:questions",
    "commons:needs",
    "governance:index",
    "governance:space-detail",
    "governance:proposal-detail",
    "governance:consultation-detail",
    "governance:delegates",
    "observatory:index",
    "observatory:methodology",
    "observatory:scope",
    "observatory:indicator",
    "observatory:coverage",
    "observatory:compare",
    "communication:network-permanences",
    "commons:campaign-list",
    "commons:campaign-detail",
    "communication:network-relay",
    "services:catalogue",
    "services:service-detail",
    "services:accompanists",
    "services:accompanist-detail",
    "services:similar",
    "communication:kit-list",
    "communication:kit-detail",
    "communication:coordination",
    "opportunities:board",
    "opportunities:call-detail",
}
SIGNED_IN = {
    "accounts:profile",
    "accounts:profile-edit",
    "accounts:skill-add",
    "accounts:person-detail",
    "accounts:api-tokens",
    "accounts:my-data",
    "account_change_password",
    "account_email",
    "notifications:list",
    "events:my-registrations",
    "events:feed-my-calendar",
    "events:digest",
    "mobility:my-passes",
    "places:place-create",
    "networks:network-create",
    "commons:help-offer",
    "commons:campaign-pledge",
    "communication:home",
    "governance:my-volunteering",
    "communication:submit",
    "services:requests",
    "services:request-create",
    "services:accompanist-apply",
    "services:holder-create",
    "services:holders",
    "services:programmes",
    "opportunities:alerts",
    "opportunities:answers",
}
ROLE_PAGES: dict[str, set[str]] = {
    "visitor": VISITOR | PUBLIC,
    "member": PUBLIC | SIGNED_IN,
    "holder": {"mobility:pass-detail", "mobility:pass-subscribe"},
    "manager": PUBLIC
    | SIGNED_IN
    | {
        "places:my-places",
        "places:place-edit",
        "places:place-managers",
        "places:space-create",
        "places:space-edit",
        "places:equipment-create",
        "places:equipment-edit",
        "places:photo-add",
        "networks:my-memberships",
        "networks:membership-apply",
        "networks:membership-detail",
        "mobility:offer-edit",
        "mobility:host-day",
        "mobility:statement",
        "events:feed-sources",
        "commons:usage-declare",
        "commons:place-needs",
        "communication:place-permanences",
        "services:peer-profile",
        "opportunities:place-calls",
        "opportunities:answer-open",
        "governance:my-fees",
    },
    "coordinator": PUBLIC
    | SIGNED_IN
    | {
        "networks:network-edit",
        "networks:network-territory",
        "networks:network-roles",
        "networks:membership-list",
        "networks:membership-detail",
        "freshness:network-dashboard",
        "search:embed-code",
        "transfer:upload",
        "mobility:scheme-list",
        "mobility:scheme-detail",
        "mobility:pass-grant",
        "mobility:flows",
        "mobility:close-month",
        "mobility:simulator",
        "circles:circle-create",
        "circles:circle-edit",
        "circles:action-create",
        "circles:envelope-create",
        "events:event-create",
        "commons:create",
        "commons:link-add",
        "commons:queue",
        "commons:dashboard",
        "commons:grids",
        "commons:grid-create",
        "commons:question-create",
        "communication:rota-create",
        "commons:campaign-create",
        "commons:campaign-pledges",
        "communication:submissions",
        "services:service-create",
        "services:applications",
        "services:dashboard",
        "services:group-create",
        "services:pairing-create",
        "opportunities:call-create",
        "opportunities:moderation",
        "opportunities:import",
        "opportunities:dashboard",
        "opportunities:call-edit",
        "governance:space-create",
        "governance:meeting-list",
        "governance:economy",
        "governance:treasury",
        "governance:volunteering-review",
        "governance:election-list",
    },
    "circle": PUBLIC
    | SIGNED_IN
    | {
        "circles:circle-people",
        "circles:budget",
        "circles:meeting-list",
        "circles:meeting-detail",
        "circles:transparency",
    },
    "steward": {"circles:expense-list"},
    "treasurer": {
        "governance:treasury",
        "governance:schedule-create",
        "governance:schedule-detail",
        "governance:helloasso",
        "governance:volunteering-network",
        "governance:economy",
    },
}
# Pages reached only in some states of the data (an event with registrations, a decided
# meeting…): they must be in the map, but no persona is required to reach them.
SOMETIMES = {
    "communication:rota-detail",
    "communication:event-share",
    "communication:kit-create",
    "communication:kit-review-queue",
    "communication:permanence-detail",
    "communication:permanence-decline",
    "communication:swap-propose",
    "communication:logbook",
    "communication:logbook-remove",
    "communication:coordination-meeting",
    "communication:coordination-point-close",
    "communication:coordination-item-remove",
    "communication:coordination-agreement-create",
    "communication:coordination-agreement-remove",
    # Governance: pages of objects the demo builds later, and the treasurer's.
    "governance:proposal-create",
    "governance:comment-moderate",
    "governance:meeting-detail",
    "governance:call-detail",
    # Legitimacy: a network's charter and elections, linked from its debate spaces, the
    # delegates in office and (coordinators) the debates' home.
    "governance:charter",
    "governance:election-detail",
    "governance:payment-refund",
    "commons:campaign-receipt",
    "commons:campaign-close",
    "commons:campaign-payout-create",
    "commons:campaign-payout",
    "commons:campaign-seed-create",
    "commons:campaign-seed-grant",
    "commons:my-place-needs",
    "commons:need-close",
    "services:service-edit",
    "services:session-add",
    "services:accompanist-edit",
    "services:reference-add",
    "services:rate",
    "services:request-detail",
    "services:request-close",
    "services:group-detail",
    "services:codev-session-add",
    "services:codev-session",
    "services:pairing-detail",
    "services:pairing-close",
    "services:holder-detail",
    "services:holder-place",
    "services:volunteering",
    "services:peer-payment",
    "opportunities:answer-detail",
    "opportunities:call-document-remove",
    "commons:edit",
    "commons:qualify",
    "commons:question-edit",
    "commons:contribution-log",
    "commons:request-detail",
    "commons:introduction",
    "accounts:data-export-progress",
    "events:event-edit",
    "events:event-cancel",
    "events:invitations",
    "events:tour-stops",
    "events:occurrence-edit",
    "events:occurrence-edit-following",
    "events:occurrence-cancel",
    "events:registrants",
    "events:attendance",
    "circles:role-request",
    "circles:action-detail",
    "circles:action-edit",
    "circles:action-report",
    "circles:proposal-create",
    "circles:proposal-detail",
    "circles:expense-create",
    "circles:expense-detail",
    "circles:meeting-attendance",
    "circles:meeting-agenda-add",
    "circles:meeting-minutes",
    "circles:decision-detail",
}

# The demo's logins and the roles each holds. Left out to keep the crawl short: the local
# coordinators (a regional coordinator's pages, with fewer things in their network), the
# accompanist (a network role like the guide's) and the admin (every network in the menu).
PERSONAS = {
    "Visiteur·se": ("visitor",),
    "Coworker": ("member", "holder"),
    "Gestion de lieu": ("member", "manager"),
    "Coordination régionale": ("member", "coordinator"),
    "Coordination nationale": ("member", "coordinator"),
    "Soucieux·se": ("member", "circle", "steward"),
    "Contributeur·rice": ("member", "circle"),
    "Participant·e": ("member", "circle"),
    "Aiguilleuse": ("member",),
    "Membre du réseau": ("member",),
    "Trésorerie": ("member", "treasurer"),
}


def url_names() -> set[str]:
    """The names of the site's pages (namespaced), outside the admin and the API."""
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(tuple(p.lstrip("/") for p in SKIPPED_PREFIXES)):
                continue
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(
                    pattern.url_patterns,
                    route,
                    f"{namespace}:{inner}".strip(":") if inner else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names


# --- the crawl --------------------------------------------------------------------------------

HREF = re.compile(r'href="([^"#]*)')


def page_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, refused: dict[str, str]) -> set[str]:
    """The names of the pages reached from the home page in at most DEPTH clicks; the pages
    whose links it read that answered an error go to `refused` (name → path)."""
    reached: set[str] = {"home"}
    read_per_name: dict[str, int] = {}
    seen = {"/"}
    queue = deque([("/", 0)])
    while queue:
        path, depth = queue.popleft()
        response = client.get(path)
        if response.status_code >= 400:
            refused.setdefault(page_name(urlsplit(path).path) or path, path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            link = urlsplit(html.unescape(href))
            if link.scheme not in ("", "http") or link.netloc not in ("", "testserver"):
                continue
            target = link.path
            if not target.startswith("/") or target.startswith(SKIPPED_PREFIXES):
                continue
            target += f"?{link.query}" if link.query else ""
            if target in seen:
                continue
            seen.add(target)
            name = page_name(link.path)
            if name is None:
                continue
            reached.add(name)
            if depth + 1 >= DEPTH or name in EXCLUDED:
                continue  # reached: its own links are beyond three clicks (or not a page)
            if read_per_name.get(name, 0) >= PER_PAGE_KIND:
                continue
            read_per_name[name] = read_per_name.get(name, 0) + 1
            queue.append((target, depth + 1))
    return reached


@pytest.fixture
def demo(census_csv, demo_communes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The photos' files are left out: the crawl reads pages, not images.
    summary = load_everything(census_path=census_csv, local_networks=2, photos=False)
    return summary


def test_every_page_of_the_map_is_placed_in_a_role_or_excluded():
    placed = set(EXCLUDED) | SOMETIMES | set().union(*ROLE_PAGES.values())
    unplaced = sorted(url_names() - placed)
    assert not unplaced, f"Pages to place in ROLE_PAGES, SOMETIMES or EXCLUDED: {unplaced}"
    unknown = sorted(placed - url_names())
    assert not unknown, f"Names that are no page any more: {unknown}"


def test_each_persona_reaches_every_page_of_its_roles_in_three_clicks(demo, client):
    missing: dict[str, list[str]] = {}
    refusals: dict[str, dict[str, str]] = {}
    for persona, roles in PERSONAS.items():
        client.logout()
        if persona != "Visiteur·se":
            login = next(login for login in demo.logins if login.role.startswith(persona))
            client.force_login(User.objects.get(email=login.email))
        expected = set().union(*(ROLE_PAGES[role] for role in roles)) - set(EXCLUDED)
        refused: dict[str, str] = {}
        unreached = sorted(expected - crawl(client, refused))
        if unreached:
            missing[persona] = unreached
        refused = {name: path for name, path in refused.items() if name not in KNOWN_REFUSALS}
        if refused:
            refusals[persona] = refused
    assert not missing, "Pages no link reaches (in three clicks from the home page):\n" + "\n".join(
        f"  {persona}: {', '.join(names)}" for persona, names in missing.items()
    )
    assert not refusals, (
        f"Links that answer an error (offered to whom may not use them): {refusals}"
    )
