from django.urls import path

from maillage.services import views

app_name = "services"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("offres/<slug:slug>/", views.service_detail, name="service-detail"),
    path("offres/<slug:slug>/modifier/", views.service_edit, name="service-edit"),
    path("offres/<slug:slug>/sessions/nouvelle/", views.session_add, name="session-add"),
    path(
        "reseau/<slug:network_slug>/offres/nouvelle/", views.service_create, name="service-create"
    ),
    path("accompagnement/", views.accompanists, name="accompanists"),
    path("accompagnement/candidater/", views.accompanist_apply, name="accompanist-apply"),
    path("accompagnement/<int:pk>/", views.accompanist_detail, name="accompanist-detail"),
    path("accompagnement/<int:pk>/modifier/", views.accompanist_edit, name="accompanist-edit"),
    path("accompagnement/<int:pk>/decision/", views.accompanist_decide, name="accompanist-decide"),
    path("accompagnement/<int:pk>/references/ajouter/", views.reference_add, name="reference-add"),
    path("reseau/<slug:network_slug>/candidatures/", views.applications, name="applications"),
    path("references/<str:token>/", views.reference_answer, name="reference-answer"),
    path("lieux/<slug:slug>/partager/", views.peer_profile, name="peer-profile"),
    path("lieux/<slug:slug>/similaires/", views.similar, name="similar"),
    path("demandes/", views.request_list, name="requests"),
    path("demandes/nouvelle/", views.request_create, name="request-create"),
    path("demandes/<int:pk>/", views.request_detail, name="request-detail"),
    path("demandes/<int:pk>/cloturer/", views.request_close, name="request-close"),
    path(
        "demandes/<int:pk>/aides/<int:proposal_pk>/benevolat/",
        views.request_volunteering,
        name="volunteering",
    ),
    path(
        "demandes/<int:pk>/aides/<int:proposal_pk>/remuneration/",
        views.request_payment,
        name="peer-payment",
    ),
    path("demandes/<int:pk>/avis/<int:accompanist_pk>/", views.rate, name="rate"),
    path("reponse/<str:token>/", views.helper_answer, name="helper-answer"),
    path("satisfaction/<str:token>/", views.satisfaction, name="satisfaction"),
    path("programmes/", views.groups, name="programmes"),
    path("reseau/<slug:network_slug>/groupes/nouveau/", views.group_create, name="group-create"),
    path("groupes/<int:pk>/", views.group_detail, name="group-detail"),
    path("groupes/<int:pk>/seances/nouvelle/", views.codev_session_add, name="codev-session-add"),
    path("groupes/<int:pk>/seances/<int:number>/", views.codev_session, name="codev-session"),
    path(
        "reseau/<slug:network_slug>/compagnonnages/nouveau/",
        views.pairing_create,
        name="pairing-create",
    ),
    path("compagnonnages/<int:pk>/", views.pairing_detail, name="pairing-detail"),
    path("compagnonnages/<int:pk>/bilan/", views.pairing_close, name="pairing-close"),
    path("porteurs/", views.holders, name="holders"),
    path("porteurs/nouveau/", views.holder_create, name="holder-create"),
    path("porteurs/<int:pk>/", views.holder_detail, name="holder-detail"),
    path("porteurs/<int:pk>/lieu/", views.holder_place, name="holder-place"),
    path("reseau/<slug:network_slug>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path(
        "reseau/<slug:network_slug>/tableau-de-bord.csv", views.dashboard_csv, name="dashboard-csv"
    ),
]
