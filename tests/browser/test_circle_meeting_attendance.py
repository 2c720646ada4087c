"""A soucieux·se ticks three members present in quick succession on the meeting page: all three
count (each box posts its own state and the page swaps only the quorum line, so a reply can no
longer reset a box ticked meanwhile). Desktop and phone.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.circles.models import Attendance
from tests.browser.test_circle_budget_flow import act_as, circle_world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_quick_ticks_all_count(site_page, live_server, circle_world, viewport):  # noqa: F811
    page, world = site_page, circle_world
    meeting = world["meeting"]
    act_as(page, live_server, world["Gaston"])
    url = reverse("circles:meeting-detail", args=["douaisis", meeting.pk])
    page.goto(url)
    page.wait_for_function("() => window.htmx !== undefined")
    boxes = [page.get_by_role("checkbox", name=name) for name in ("Bob", "Fanny", "Gaston")]
    # Tapped back to back, without waiting for any answer.
    for box in boxes:
        box.click(no_wait_after=True)
    status = page.locator("#attendance-status")
    expect(status).to_contain_text("3 membres présents sur 3")
    for box in boxes:
        expect(box).to_be_checked()
    assert Attendance.objects.filter(meeting=meeting).count() == 3

    # Unticking one (quickly followed by another tick and untick) keeps the rest.
    boxes[0].click(no_wait_after=True)
    boxes[1].click(no_wait_after=True)
    boxes[1].click(no_wait_after=True)
    # The intermediate answers also say "2 présents": wait until every queued request is done.
    page.wait_for_load_state("networkidle")
    expect(status).to_contain_text("2 membres présents sur 3")
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    page.reload()
    expect(page.get_by_role("checkbox", name="Bob")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Fanny")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Gaston")).to_be_checked()
    assert page.js_errors == []
