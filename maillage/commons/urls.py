from django.urls import path

from maillage.commons import campaign_views as campaigns
from maillage.commons import need_views as needs
from maillage.commons import orientation_views as aiguillage
from maillage.commons import qualification_views as grids
from maillage.commons import seed_views as seeds
from maillage.commons import views

app_name = "commons"
# Fixed words ("nouveau", "export") come before the slug routes; the services reserve them.
urlpatterns = [
    path("", views.commons_list, name="list"),
    path("nouveau/", views.commons_create, name="create"),
    path("export.<str:fmt>", views.commons_export, name="export"),
    path("grilles/", grids.grid_list, name="grids"),
    path("grilles/nouvelle/", grids.grid_create, name="grid-create"),
    path("questions/", grids.question_list, name="questions"),
    path("questions/nouvelle/", grids.question_edit, name="question-create"),
    path("questions/<int:pk>/modifier/", grids.question_edit, name="question-edit"),
    path("aiguillage/demander/", aiguillage.request_create, name="request-create"),
    path("aiguillage/confirmer/<str:token>/", aiguillage.request_confirm, name="request-confirm"),
    path("aiguillage/suivi/<str:token>/", aiguillage.orientation_page, name="orientation"),
    path(
        "aiguillage/suivi/<str:token>/bilan/<int:pk>/<str:answer>/",
        aiguillage.follow_up_answer,
        name="follow-up-answer",
    ),
    path("aiguillage/file/", aiguillage.queue, name="queue"),
    path("aiguillage/demandes/<int:pk>/", aiguillage.request_detail, name="request-detail"),
    path("aiguillage/mises-en-relation/<int:pk>/", aiguillage.introduction, name="introduction"),
    path("aiguillage/tableau-de-bord/", aiguillage.dashboard, name="dashboard"),
    path("aiguillage/tableau-de-bord.csv", aiguillage.dashboard_csv, name="dashboard-csv"),
    path("besoins/", needs.need_list, name="needs"),
    path("besoins.csv", needs.need_csv, name="needs-csv"),
    path("besoins/mon-lieu/", needs.my_place_needs, name="my-place-needs"),
    path("besoins/<int:pk>/soutenir/", needs.need_support, name="need-support"),
    path("besoins/<int:pk>/retirer-soutien/", needs.need_unsupport, name="need-unsupport"),
    path("besoins/<int:pk>/retirer/", needs.need_close, name="need-close"),
    path("lieux/<slug:slug>/besoins/", needs.place_needs, name="place-needs"),
    path("campagnes/", campaigns.campaign_list, name="campaign-list"),
    path("campagnes/nouvelle/", campaigns.campaign_create, name="campaign-create"),
    path("campagnes/<slug:slug>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campagnes/<slug:slug>/promettre/", campaigns.campaign_pledge, name="campaign-pledge"),
    path("campagnes/<slug:slug>/promesses/", campaigns.campaign_pledges, name="campaign-pledges"),
    path(
        "campagnes/<slug:slug>/promesses/<int:pk>/versement/",
        campaigns.campaign_receipt,
        name="campaign-receipt",
    ),
    path("campagnes/<slug:slug>/clore/", campaigns.campaign_close, name="campaign-close"),
    path(
        "campagnes/<slug:slug>/depenses/nouvelle/",
        campaigns.payout_create,
        name="campaign-payout-create",
    ),
    path(
        "campagnes/<slug:slug>/depenses/<int:pk>/",
        campaigns.payout_detail,
        name="campaign-payout",
    ),
    path(
        "campagnes/<slug:slug>/depenses/<int:pk>/justificatif/",
        campaigns.payout_receipt,
        name="campaign-payout-receipt",
    ),
    path(
        "campagnes/<slug:slug>/amorcages/nouveau/", seeds.seed_create, name="campaign-seed-create"
    ),
    path(
        "campagnes/<slug:slug>/amorcages/<int:pk>/verser/",
        seeds.seed_grant,
        name="campaign-seed-grant",
    ),
    path("<slug:slug>/", views.commons_detail, name="detail"),
    path("<slug:slug>/modifier/", views.commons_edit, name="edit"),
    path("<slug:slug>/qualifier/", grids.qualify, name="qualify"),
    path("<slug:slug>/liens/ajouter/", views.link_add, name="link-add"),
    path("<slug:slug>/mon-lieu-l-utilise/", views.usage_declare, name="usage-declare"),
    path("<slug:slug>/usages/<int:pk>/retirer/", views.usage_withdraw, name="usage-withdraw"),
    path("<slug:slug>/je-peux-aider/", views.help_offer, name="help-offer"),
    path("<slug:slug>/je-peux-aider/retirer/", views.help_withdraw, name="help-withdraw"),
    path("<slug:slug>/contributions/ajouter/", views.contribution_log, name="contribution-log"),
]
