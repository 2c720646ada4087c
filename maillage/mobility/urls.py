from django.urls import path

from maillage.mobility import settlement_views, views

app_name = "mobility"
urlpatterns = [
    path("", views.find_hosts, name="find"),
    path("pass/", views.my_passes, name="my-passes"),
    path("pass/souscrire/", views.pass_subscribe, name="pass-subscribe"),
    path("pass/<int:pk>/", views.pass_detail, name="pass-detail"),
    path("accueil/<slug:slug>/reserver/", views.book, name="book"),
    path("reservations/<int:pk>/annuler/", views.booking_cancel, name="booking-cancel"),
    path("reservations/<int:pk>/qr.svg", views.booking_qr, name="booking-qr"),
    path(
        "reservations/<int:pk>/<slug:action>/",
        views.booking_host_action,
        name="booking-host-action",
    ),
    path("arrivee/<str:token>/", views.check_in_by_qr, name="check-in-qr"),
    path("lieux/<slug:slug>/accueil/", views.offer_edit, name="offer-edit"),
    path("lieux/<slug:slug>/journee/", views.host_day, name="host-day"),
    path("reseaux/<slug:slug>/formules/", views.scheme_list, name="scheme-list"),
    path("reseaux/<slug:slug>/formules/<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("reseaux/<slug:slug>/formules/<int:pk>/attribuer/", views.pass_grant, name="pass-grant"),
]
urlpatterns += [
    path(
        "lieux/<slug:slug>/releve/<slug:network_slug>/<int:year>-<int:month>/",
        settlement_views.statement,
        name="statement",
    ),
]
urlpatterns += [
    path(
        "reseaux/<slug:slug>/flux/<int:year>-<int:month>/",
        settlement_views.network_flows,
        name="flows",
    ),
    path(
        "reseaux/<slug:slug>/cloture/<int:year>-<int:month>/",
        settlement_views.close_month,
        name="close-month",
    ),
]

from maillage.mobility.simulator import simulator_view  # noqa: E402

urlpatterns += [
    path("reseaux/<slug:slug>/simulateur/", simulator_view, name="simulator"),
]
