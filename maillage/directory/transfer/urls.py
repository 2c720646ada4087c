from django.urls import path

from maillage.directory.transfer import views

app_name = "transfer"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("modele.csv", views.template_csv, name="template"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/progression/", views.run_progress, name="run-progress"),
    path("<int:pk>/colonnes/", views.run_mapping, name="run-mapping"),
    path("<int:pk>/appliquer/", views.run_apply, name="run-apply"),
    path("<int:pk>/relancer/", views.run_restart, name="run-restart"),
    path("<int:pk>/fichier/", views.run_file, name="run-file"),
    path("<int:pk>/rapport.csv", views.run_report_csv, name="run-report-csv"),
]
