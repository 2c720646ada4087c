"""The transparency page of a circle, its CSV export and its yearly report (PDF).

Public, or reserved to the network's members when the network chose so
(`selectors.get_circle_for_transparency`); an anonymous visitor of a reserved page is sent to log in.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.circles import selectors, transparency
from maillage.circles.models import Circle, Transparency
from maillage.lib.csvio import csv_response, delimiter_from_query


def circle_for_reader(request: HttpRequest, slug: str) -> Circle | HttpResponse:
    """The circle for a page its transparency setting covers (transparency, programme): a
    redirect to log in for an anonymous visitor of a members-only circle, 403 for a non-member."""
    circle = selectors.get_circle(slug=slug)
    if circle.transparency == Transparency.MEMBERS and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return selectors.get_circle_for_transparency(user=request.user, slug=slug)


def _year(request: HttpRequest) -> int | None:
    """`?annee=2026`; anything else (absent, `tout`, nonsense) means every year."""
    value = request.GET.get("annee", "")
    return int(value) if value.isdigit() and 1900 < int(value) < 3000 else None


def circle_transparency(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_for_reader(request, slug)
    if isinstance(circle, HttpResponse):
        return circle
    report = transparency.circle_report(circle=circle, year=_year(request))
    return render(
        request,
        "circles/transparency.html",
        {
            "circle": circle,
            "report": report,
            "bars": transparency.chart_bars(report),
            # Expense pages (with receipts) are for the circle's members and coordinators.
            "can_open_expenses": selectors.is_circle_member(user=request.user, circle=circle)
            or selectors.can_manage_circle(user=request.user, circle=circle),
        },
    )


def transparency_csv(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_for_reader(request, slug)
    if isinstance(circle, HttpResponse):
        return circle
    year = _year(request)
    report = transparency.circle_report(circle=circle, year=year)
    base = request.build_absolute_uri("/").rstrip("/")

    def rows():
        for line in report.lines:
            decision = line.decision
            link = line.decision_url
            yield [
                _("Accord"),
                line.year,
                line.proposal.action.title,
                line.proposal.title,
                line.payee,
                line.role_label,
                timezone.localtime(decision.recorded_at).date().isoformat(),
                decision.pk,
                decision.get_method_display(),
                line.granted_cents / 100,  # numbers, so spreadsheets can sum them
                "",
                base + link if link.startswith("/") else "",
                "",
                "",
                "",
            ]
            for expense in line.expenses:
                # A reversed payment keeps its row, its amount out of the spent column (which
                # sums to the spent total) and in the reversal's own columns.
                reversed_on = expense.reversed_on
                yield [
                    _("Dépense contrepassée") if expense.is_reversed else _("Dépense"),
                    line.year,
                    line.proposal.action.title,
                    expense.description,
                    expense.payee,
                    line.role_label,
                    expense.paid_on.isoformat() if expense.paid_on else "",
                    decision.pk,
                    "",
                    "",
                    "" if expense.is_reversed else expense.amount_cents / 100,
                    "",
                    reversed_on.isoformat() if reversed_on else "",
                    expense.amount_cents / 100 if expense.is_reversed else "",
                    expense.reversal_reason,
                ]

    suffix = str(year) if year else _("toutes-annees")
    return csv_response(
        rows(),
        filename=f"transparence-{circle.slug}-{suffix}.csv",
        header=[
            _("Ligne"),
            _("Année"),
            _("Action"),
            _("Objet"),
            _("Bénéficiaire"),
            _("Rôle du bénéficiaire"),
            _("Date"),
            _("Décision n°"),
            _("Mode de décision"),
            _("Accordé (€)"),
            _("Dépensé (€)"),
            _("Lien vers la décision"),
            _("Contrepassé le"),
            _("Contrepassé (€)"),
            _("Motif de la contrepassation"),
        ],
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


def transparency_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The yearly report (the year asked, else the latest one with figures)."""
    circle = circle_for_reader(request, slug)
    if isinstance(circle, HttpResponse):
        return circle
    year = _year(request)
    if year is None:
        years = transparency.circle_report(circle=circle).years
        year = years[0] if years else timezone.localdate().year
    report = transparency.circle_report(circle=circle, year=year)
    html = render_to_string(
        "circles/transparency_pdf.html",
        {
            "circle": circle,
            "report": report,
            "bars": transparency.chart_bars(report),
            "printed_on": timezone.localdate(),
        },
        request=request,
    )
    from weasyprint import HTML  # imported on demand: it loads Pango

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-transparence-{circle.slug}-{year}.pdf"'
    )
    return response
