from django.urls import path

from maillage.accounts import api_token_views
from maillage.people import data_views, views

# The namespace stays "accounts": these are the account pages, served above networks and places.
app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("modifier/", views.profile_edit, name="profile-edit"),
    path("competences/ajouter/", views.skill_add, name="skill-add"),
    path("competences/<int:pk>/modifier/", views.skill_edit, name="skill-edit"),
    path("competences/<int:pk>/supprimer/", views.skill_delete, name="skill-delete"),
    path("personnes/<int:pk>/", views.person_detail, name="person-detail"),
    path("jetons/", api_token_views.api_token_list, name="api-tokens"),
    path("jetons/<int:pk>/revoquer/", api_token_views.api_token_revoke, name="api-token-revoke"),
    path("donnees/", data_views.my_data, name="my-data"),
    path("donnees/export/", data_views.export_request, name="data-export"),
    path(
        "donnees/export/<int:pk>/progression/",
        data_views.export_progress,
        name="data-export-progress",
    ),
    path(
        "donnees/export/<int:pk>/telecharger/",
        data_views.export_download,
        name="data-export-download",
    ),
    path("supprimer-mon-compte/", data_views.account_delete, name="account-delete"),
]
