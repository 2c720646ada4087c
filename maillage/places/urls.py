from django.urls import path

from maillage.places import views

app_name = "places"
# Fixed words ("nouveau", "mes-lieux") come before the slug route and are reserved slugs.
urlpatterns = [
    path("", views.place_list, name="place-list"),
    path("nouveau/", views.place_create, name="place-create"),
    path("mes-lieux/", views.my_places, name="my-places"),
    path("<slug:slug>/", views.place_detail, name="place-detail"),
    path("<slug:slug>/modifier/", views.place_edit, name="place-edit"),
    path("<slug:slug>/gestionnaires/", views.place_managers, name="place-managers"),
    path(
        "<slug:slug>/gestionnaires/<int:user_id>/retirer/",
        views.manager_remove,
        name="manager-remove",
    ),
    path("<slug:slug>/espaces/nouveau/", views.space_create, name="space-create"),
    path("<slug:slug>/espaces/<int:pk>/modifier/", views.space_edit, name="space-edit"),
    path("<slug:slug>/espaces/<int:pk>/supprimer/", views.space_delete, name="space-delete"),
    path("<slug:slug>/equipements/nouveau/", views.equipment_create, name="equipment-create"),
    path(
        "<slug:slug>/equipements/<int:pk>/modifier/",
        views.equipment_edit,
        name="equipment-edit",
    ),
    path(
        "<slug:slug>/equipements/<int:pk>/supprimer/",
        views.equipment_delete,
        name="equipment-delete",
    ),
    path("<slug:slug>/photos/ajouter/", views.photo_add, name="photo-add"),
    path("<slug:slug>/photos/<int:pk>/supprimer/", views.photo_delete, name="photo-delete"),
]
