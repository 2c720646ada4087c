from django.urls import path

from maillage.opportunities import answer_views as answers
from maillage.opportunities import views

app_name = "opportunities"
# Fixed words come before the slug routes; services reserve them.
urlpatterns = [
    path("", views.board, name="board"),
    path("nouveau/", views.call_create, name="call-create"),
    path("moderation/", views.moderation, name="moderation"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/<int:pk>/supprimer/", views.alert_delete, name="alert-delete"),
    path("calendrier/<str:token>.ics", views.calendar, name="calendar"),
    path("import/", views.import_start, name="import"),
    path("import/modele.csv", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_run, name="import-run"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord.csv", views.dashboard_csv, name="dashboard-csv"),
    path("lieux/<slug:slug>/", views.place_calls, name="place-calls"),
    path("reponses/", answers.answers, name="answers"),
    path("reponses/<int:pk>/", answers.answer_detail, name="answer-detail"),
    path("reponses/<int:pk>/inviter/", answers.partner_invite, name="partner-invite"),
    path(
        "reponses/<int:pk>/invitations/<int:partner_pk>/",
        answers.invitation_answer,
        name="invitation-answer",
    ),
    path("reponses/<int:pk>/inviter-personne/", answers.person_invite, name="person-invite"),
    path("reponses/<int:pk>/enveloppe/", answers.envelope_record, name="envelope-record"),
    path("reponses/<int:pk>/budget/", answers.budget_split, name="budget-split"),
    path("reponses/<int:pk>/pieces/", answers.piece_add, name="piece-add"),
    path("reponses/<int:pk>/pieces/<int:piece_pk>/", answers.piece_toggle, name="piece-toggle"),
    path("reponses/<int:pk>/lots/", answers.work_package_add, name="work-package-add"),
    path("reponses/<int:pk>/liens/", answers.link_add, name="link-add"),
    path("reponses/<int:pk>/date-interne/", answers.deadline_set, name="deadline-set"),
    path(
        "reponses/<int:pk>/lettres/<int:partner_pk>/", answers.letter_upload, name="letter-upload"
    ),
    path(
        "reponses/<int:pk>/lettres/<int:partner_pk>/fichier/",
        answers.letter_download,
        name="letter-download",
    ),
    path("reponses/<int:pk>/etat/", answers.status_change, name="status-change"),
    path("appels/<slug:slug>/", views.call_detail, name="call-detail"),
    path("appels/<slug:slug>/modifier/", views.call_edit, name="call-edit"),
    path("appels/<slug:slug>/documents/", views.call_document_add, name="call-document-add"),
    path("appels/<slug:slug>/documents/<int:pk>/", views.call_document, name="call-document"),
    path(
        "appels/<slug:slug>/documents/<int:pk>/retirer/",
        views.call_document_remove,
        name="call-document-remove",
    ),
    path("appels/<slug:slug>/repondre/", answers.answer_open, name="answer-open"),
    path("appels/<slug:slug>/moderer/", views.call_moderate, name="call-moderate"),
    path("appels/<slug:slug>/suivre/", views.call_follow, name="call-follow"),
    path("appels/<slug:slug>/etape/", views.call_track, name="call-track"),
    path("appels/<slug:slug>/cherche-partenaires/", views.partners_wanted, name="partners-wanted"),
    path(
        "appels/<slug:slug>/cherche-partenaires/<int:pk>/proposer/",
        views.partner_offer,
        name="partner-offer",
    ),
]
