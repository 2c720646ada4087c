from django.urls import path

from maillage.governance import fee_views, legitimacy_views, views, volunteer_views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("espaces/<slug:slug>/", views.space_detail, name="space-detail"),
    path("espaces/<slug:slug>/proposer/", views.proposal_create, name="proposal-create"),
    path("propositions/<slug:slug>/", views.proposal_detail, name="proposal-detail"),
    path("propositions/<slug:slug>/position.pdf", views.position_pdf, name="position-pdf"),
    path("propositions/<slug:slug>/<str:action>/", views.proposal_action, name="proposal-action"),
    path("commentaires/<int:pk>/<str:action>/", views.comment_moderate, name="comment-moderate"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("reseaux/<slug:slug>/espace/nouveau/", views.space_create, name="space-create"),
    path("reseaux/<slug:slug>/reunions/", views.meeting_list, name="meeting-list"),
    path("reseaux/<slug:slug>/economie/", views.economy_page, name="economy"),
    # Legitimacy
    path("reseaux/<slug:slug>/charte/", legitimacy_views.charter_page, name="charter"),
    path("reseaux/<slug:slug>/elections/", legitimacy_views.election_list, name="election-list"),
    path("elections/<int:pk>/", legitimacy_views.election_detail, name="election-detail"),
    path(
        "elections/<int:pk>/<str:action>/",
        legitimacy_views.election_action,
        name="election-action",
    ),
    path("delegues/", legitimacy_views.delegates, name="delegates"),
    # Fees
    path("reseaux/<slug:slug>/tresorerie/", fee_views.treasury, name="treasury"),
    path(
        "reseaux/<slug:slug>/tresorerie/bareme/", fee_views.schedule_create, name="schedule-create"
    ),
    path(
        "reseaux/<slug:slug>/tresorerie/ecritures.csv",
        fee_views.accounting_export,
        name="accounting-export",
    ),
    path("baremes/<int:pk>/", fee_views.schedule_detail, name="schedule-detail"),
    path("baremes/<int:pk>/helloasso/", fee_views.helloasso_import, name="helloasso"),
    path("appels/<int:pk>/", fee_views.call_detail, name="call-detail"),
    path("paiements/<int:pk>/rembourser/", fee_views.payment_refund, name="payment-refund"),
    path("paiements/<int:pk>/recu.pdf", fee_views.receipt_pdf, name="receipt-pdf"),
    path("paiements/<int:pk>/recu-fiscal.pdf", fee_views.tax_receipt_pdf, name="tax-receipt-pdf"),
    path("mes-cotisations/", fee_views.my_fees, name="my-fees"),
    # Volunteering
    path("benevolat/", volunteer_views.my_volunteering, name="my-volunteering"),
    path("benevolat/a-valider/", volunteer_views.volunteering_review, name="volunteering-review"),
    path(
        "benevolat/attestation/<slug:slug>/<int:year>.pdf",
        volunteer_views.certificate_pdf,
        name="certificate-pdf",
    ),
    path(
        "reseaux/<slug:slug>/benevolat/",
        volunteer_views.volunteering_network,
        name="volunteering-network",
    ),
]
