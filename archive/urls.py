from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("archive.opendata.urls")),
    path("alerts/", include("archive.alerts.urls")),
    path("api/v1/", include("archive.api.urls")),
    path("", include("archive.site_urls")),
]
