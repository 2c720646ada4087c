from django.urls import path

from maillage.networks import views

app_name = "networks"
# Fixed words ("nouveau", "mes-adhesions") come before the slug routes; services reserve them.
urlpatterns = [
    path("", views.network_list, name="network-list"),
    path("nouveau/", views.network_create, name="network-create"),
    path("mes-adhesions/", views.my_memberships, name="my-memberships"),
    path("<slug:slug>/", views.network_detail, name="network-detail"),
    path("<slug:slug>/modifier/", views.network_edit, name="network-edit"),
    path("<slug:slug>/territoire/", views.network_territory, name="network-territory"),
    path("<slug:slug>/roles/", views.network_roles, name="network-roles"),
    path("<slug:slug>/roles/<int:pk>/retirer/", views.role_remove, name="role-remove"),
    path("<slug:slug>/adherer/", views.membership_apply, name="membership-apply"),
    path("<slug:slug>/adhesions/", views.membership_list, name="membership-list"),
    path("<slug:slug>/adhesions/<int:pk>/", views.membership_detail, name="membership-detail"),
    path(
        "<slug:slug>/adhesions/<int:pk>/<slug:action>/",
        views.membership_transition,
        name="membership-transition",
    ),
]
