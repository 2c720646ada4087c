from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.static import serve

from maillage import views
from maillage.api import api

# The admin signs in through the site's login page, so it shares its throttling of failed attempts.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

# allauth answers its throttled pages (login, sign-up…) through this handler: ours is styled, in
# French and says how long to wait. Django's handlers (403, 404, 500) render the templates of the
# same names in maillage/templates.
handler429 = "maillage.views.too_many_requests"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("moi/", include("maillage.people.urls")),
    path("communes/", include("maillage.territory.urls")),
    path("", include("maillage.directory.search.urls")),
    path("fraicheur/", include("maillage.directory.freshness.urls")),
    path("import/", include("maillage.directory.transfer.urls")),
    path("donnees-ouvertes/", include("maillage.directory.opendata.urls")),
    path("api/v1/", api.urls),
    path("lieux/", include("maillage.places.urls")),
    path("reseaux/", include("maillage.networks.urls")),
    path("mobilite/", include("maillage.mobility.urls")),
    path("cercles/", include("maillage.circles.urls")),
    path("communs/", include("maillage.commons.urls")),
    path("gouvernance/", include("maillage.governance.urls")),
    path("observatoire/", include("maillage.observatory.urls")),
    path("animation/", include("maillage.communication.urls")),
    path("services/", include("maillage.services.urls")),
    path("opportunites/", include("maillage.opportunities.urls")),
    path("agenda/", include("maillage.events.urls")),
    path("notifications/", include("maillage.notifications.urls")),
    # Uploaded photos. Behind a real web server, let it serve MEDIA_ROOT instead.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
]
