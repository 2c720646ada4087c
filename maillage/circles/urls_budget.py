"""URLs of the circles area: budget (envelopes, spending proposals, expenses)."""

from django.urls import URLPattern, path

from maillage.circles import budget_views as views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/budget/", views.budget_page, name="budget"),
    path("<slug:slug>/budget/enveloppe/", views.envelope_create, name="envelope-create"),
    path(
        "<slug:slug>/budget/enveloppes/<int:pk>/annuler/",
        views.envelope_cancel,
        name="envelope-cancel",
    ),
    path("<slug:slug>/propositions/nouvelle/", views.proposal_create, name="proposal-create"),
    path("<slug:slug>/propositions/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path(
        "<slug:slug>/propositions/<int:pk>/retirer/",
        views.proposal_withdraw,
        name="proposal-withdraw",
    ),
    path(
        "<slug:slug>/propositions/<int:pk>/documents/<int:doc>/",
        views.proposal_document,
        name="proposal-document",
    ),
    path("<slug:slug>/propositions/<int:pk>/depense/", views.expense_create, name="expense-create"),
    path("<slug:slug>/depenses/", views.expense_list, name="expense-list"),
    path("<slug:slug>/depenses/<int:pk>/", views.expense_detail, name="expense-detail"),
    path("<slug:slug>/depenses/<int:pk>/valider/", views.expense_approve, name="expense-approve"),
    path("<slug:slug>/depenses/<int:pk>/refuser/", views.expense_reject, name="expense-reject"),
    path(
        "<slug:slug>/depenses/<int:pk>/contrepasser/",
        views.expense_reverse,
        name="expense-reverse",
    ),
    path(
        "<slug:slug>/depenses/<int:pk>/justificatif/",
        views.expense_receipt,
        name="expense-receipt",
    ),
]
