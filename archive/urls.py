from django.contrib import admin
from django.urls import include, path

from archive.ratelimits import login_limits

urlpatterns = [
    # The admin's own login view, behind the login limits (it resolves before admin.site.urls).
    path("admin/login/", login_limits(admin.site.login)),
    path("admin/", admin.site.urls),
    path("", include("archive.opendata.urls")),
    path("alerts/", include("archive.alerts.urls")),
    path("api/v1/", include("archive.api.urls")),
    path("", include("archive.site_urls")),
]
