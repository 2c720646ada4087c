"""URLs of the circles area: circles (directory, network map, circle page, people, programme)."""

from django.urls import URLPattern, path

from maillage.circles import views

urlpatterns: list[URLPattern] = [
    path("", views.circle_list, name="circle-list"),
    path("nouveau/", views.circle_create, name="circle-create"),
    path("reseau/<slug:network_slug>/", views.network_circles, name="network-circles"),
    path("<slug:slug>/", views.circle_detail, name="circle-detail"),
    path("<slug:slug>/modifier/", views.circle_edit, name="circle-edit"),
    path("<slug:slug>/rejoindre/", views.circle_join, name="circle-join"),
    path("<slug:slug>/quitter/", views.circle_leave, name="circle-leave"),
    path("<slug:slug>/personnes/", views.circle_people, name="circle-people"),
    path("<slug:slug>/demande-de-role/", views.role_request, name="role-request"),
    path(
        "<slug:slug>/demande-de-role/<int:pk>/retirer/",
        views.role_request_withdraw,
        name="role-request-withdraw",
    ),
    path("<slug:slug>/roles/<int:pk>/terminer/", views.role_end, name="role-end"),
    path("<slug:slug>/actions/nouvelle/", views.action_create, name="action-create"),
    path("<slug:slug>/actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("<slug:slug>/actions/<int:pk>/modifier/", views.action_edit, name="action-edit"),
    path("<slug:slug>/actions/<int:pk>/compte-rendu/", views.action_report, name="action-report"),
]
