from django.urls import path

from maillage.communication import views

app_name = "communication"
urlpatterns = [
    path("", views.home, name="home"),
    path("reseaux/<slug:slug>/permanences/", views.network_permanences, name="network-permanences"),
    path(
        "reseaux/<slug:slug>/permanences.ics",
        views.network_permanences_ics,
        name="network-permanences-ics",
    ),
    path("reseaux/<slug:slug>/tournees/nouvelle/", views.rota_create, name="rota-create"),
    path("tournees/<int:pk>/", views.rota_detail, name="rota-detail"),
    path("tournees/<int:pk>/generer/", views.rota_generate, name="rota-generate"),
    path("tournees/<int:pk>/repartir/", views.rota_charge, name="rota-charge"),
    path("tournees/<int:pk>/creneaux/<int:slot>/retirer/", views.slot_remove, name="slot-remove"),
    path("tournees/<int:pk>/tranches/<int:place>/", views.rota_bracket, name="rota-bracket"),
    path(
        "tournees/<int:pk>/demandes/<int:permanence>/<str:answer>/",
        views.request_answer,
        name="request-answer",
    ),
    path("permanences/<int:pk>/", views.permanence_detail, name="permanence-detail"),
    path("permanences/<int:pk>/decliner/", views.permanence_decline, name="permanence-decline"),
    path("permanences/<int:pk>/echanger/", views.swap_propose, name="swap-propose"),
    path("echanges/<int:pk>/retirer/", views.swap_withdraw, name="swap-withdraw"),
    path("echanges/<int:pk>/<str:answer>/", views.swap_answer, name="swap-answer"),
    path("besoins/<int:pk>/aiguiller/", views.need_orient, name="need-orient"),
    path("lieux/<slug:slug>/", views.place_permanences, name="place-permanences"),
    path(
        "lieux/<slug:slug>/permanences.ics",
        views.place_permanences_ics,
        name="place-permanences-ics",
    ),
]
