from django.urls import path

from maillage.communication import coordination_views as coord
from maillage.communication import kit_views, logbook_views, views
from maillage.communication import relay_views as relay

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
    # Event relay.
    path("cartes/<slug:slug>/<str:size>.png", relay.card_image, name="card"),
    path("partager/<slug:slug>/", relay.event_share, name="event-share"),
    path("reseaux/<slug:slug>/relayer/", relay.network_relay, name="network-relay"),
    path("reseaux/<slug:slug>/agenda.rss", relay.network_rss, name="network-rss"),
    path("reseaux/<slug:slug>/agenda.atom", relay.network_atom, name="network-atom"),
    path("cercles/<slug:slug>/agenda.rss", relay.circle_rss, name="circle-rss"),
    path("cercles/<slug:slug>/agenda.atom", relay.circle_atom, name="circle-atom"),
    path("lieux/<slug:slug>/agenda.rss", relay.place_rss, name="place-rss"),
    path("lieux/<slug:slug>/agenda.atom", relay.place_atom, name="place-atom"),
    path("widget/<slug:slug>/", relay.widget, name="widget"),
    path("reseaux/<slug:slug>/cette-semaine.html", relay.weekly_html, name="weekly-html"),
    path("reseaux/<slug:slug>/cette-semaine.txt", relay.weekly_text, name="weekly-text"),
    path("reseaux/<slug:slug>/proposer/", relay.submit, name="submit"),
    path("reseaux/<slug:slug>/propositions/", relay.submissions, name="submissions"),
    path(
        "reseaux/<slug:slug>/propositions/<int:pk>/<str:answer>/",
        relay.submission_review,
        name="submission-review",
    ),
    # The communication kit and the case library.
    path("valise/", kit_views.kit_list, name="kit-list"),
    path("valise/nouvelle/", kit_views.kit_create, name="kit-create"),
    path("valise/a-relire/", kit_views.kit_review_queue, name="kit-review-queue"),
    path("valise/<slug:slug>/", kit_views.kit_detail, name="kit-detail"),
    path("valise/<slug:slug>/versions/", kit_views.kit_version, name="kit-version"),
    path("valise/<slug:slug>/adapter/", kit_views.kit_adapt, name="kit-adapt"),
    path("valise/<slug:slug>/relire/<str:answer>/", kit_views.kit_review, name="kit-review"),
    path(
        "valise/<slug:slug>/v<int:number>/telecharger/", kit_views.kit_download, name="kit-download"
    ),
    path("valise/<slug:slug>/v<int:number>/apercu.jpg", kit_views.kit_preview, name="kit-preview"),
    # Tour logbooks.
    path("carnets/<slug:slug>/", logbook_views.logbook_page, name="logbook"),
    path("carnets/<slug:slug>/carnet.pdf", logbook_views.logbook_pdf, name="logbook-pdf"),
    path(
        "carnets/<slug:slug>/etapes/<int:stop>/ecrire/",
        logbook_views.entry_add,
        name="logbook-add",
    ),
    path(
        "carnets/<slug:slug>/notes/<int:pk>/retirer/",
        logbook_views.entry_remove,
        name="logbook-remove",
    ),
    path(
        "carnets/<slug:slug>/notes/<int:pk>/photo.jpg",
        logbook_views.entry_photo,
        name="logbook-photo",
    ),
    # The coordination of the soucieux·ses.
    path("reseaux/<slug:slug>/coordination/", coord.group_page, name="coordination"),
    path("reseaux/<slug:slug>/coordination/ouvrir/", coord.group_open, name="coordination-open"),
    path(
        "reseaux/<slug:slug>/coordination/reunion/", coord.meeting_set, name="coordination-meeting"
    ),
    path(
        "reseaux/<slug:slug>/coordination/points/", coord.point_propose, name="coordination-point"
    ),
    path(
        "reseaux/<slug:slug>/coordination/points/<int:pk>/clore/",
        coord.point_close,
        name="coordination-point-close",
    ),
    path(
        "reseaux/<slug:slug>/coordination/accueil/",
        coord.item_add,
        name="coordination-item-add",
    ),
    path(
        "reseaux/<slug:slug>/coordination/accueil/<int:pk>/retirer/",
        coord.item_remove,
        name="coordination-item-remove",
    ),
    path(
        "reseaux/<slug:slug>/coordination/accueil/<int:pk>/cocher/",
        coord.item_tick,
        name="coordination-item-tick",
    ),
    path(
        "reseaux/<slug:slug>/coordination/conventions/nouvelle/",
        coord.agreement_create,
        name="coordination-agreement-create",
    ),
    path(
        "conventions/<int:pk>/document/",
        coord.agreement_document,
        name="coordination-agreement-document",
    ),
    path(
        "conventions/<int:pk>/retirer/",
        coord.agreement_remove,
        name="coordination-agreement-remove",
    ),
    path("cercles/<slug:slug>/outils/ajouter/", views.circle_tool_add, name="circle-tool-add"),
    path(
        "cercles/<slug:slug>/outils/<int:pk>/retirer/",
        views.circle_tool_remove,
        name="circle-tool-remove",
    ),
]
