from django.urls import path

from maillage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("personnes/<int:pk>/", views.person_detail, name="person-detail"),
]
