"""URLs of the circles area: transparency."""

from django.urls import path

from maillage.circles import transparency_views as views

urlpatterns = [
    path("<slug:slug>/transparence/", views.circle_transparency, name="transparency"),
    path("<slug:slug>/transparence/export.csv", views.transparency_csv, name="transparency-csv"),
    path("<slug:slug>/transparence/rapport.pdf", views.transparency_pdf, name="transparency-pdf"),
]
