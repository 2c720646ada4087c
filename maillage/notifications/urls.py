"""Notification URLs under /notifications/."""

from django.urls import path

from maillage.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/lue/", views.notification_read, name="read"),
    path("tout-lu/", views.notification_read_all, name="read-all"),
]
