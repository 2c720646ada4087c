# ruff: noqa: F811  (the circle_world fixture is imported from the budget flow test)
"""A person finds their own roles on the circles list ('Mes cercles'): the current one with the
decision that named them (which opens), the past one with its end. Desktop and phone, axe."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.circles import services
from maillage.circles.models import CircleRole
from maillage.circles.tests.test_circles_roles import adopted_decision
from tests.browser.test_circle_budget_flow import act_as, circle_world, page_is_fine  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_sees_their_roles_and_opens_the_decision_that_named_them(
    site_page, live_server, circle_world, screenshot, viewport
):
    world, page = circle_world, site_page
    circle, bob = world["circle"], world["Bob"]
    decision = adopted_decision(circle=circle, user=bob, role=CircleRole.CONTRIBUTOR)
    services.assign_role(
        circle=circle,
        user=bob,
        role=CircleRole.CONTRIBUTOR,
        starts_on=datetime.date(2026, 3, 1),
        decision=decision,
        by=None,
    )

    act_as(page, live_server, bob)
    page.goto(reverse("circles:circle-list"))
    section = page.locator("section", has=page.get_by_role("heading", name="Mes cercles"))
    expect(section).to_be_visible()
    current = section.locator(".my-role-current")
    expect(current).to_contain_text("Contributeur·rice")
    expect(current).to_contain_text("en cours")
    expect(section.locator(".my-role-past")).to_contain_text("Participant·e")
    page_is_fine(page, screenshot, viewport, "1-my-circles")

    current.get_by_role("link").click()
    expect(page).to_have_url(
        live_server.url + reverse("circles:decision-detail", args=["douaisis", decision.pk])
    )
    expect(page.locator("h1")).to_have_count(1)
