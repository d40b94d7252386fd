from django.urls import include, path, register_converter

from . import views


class MeetingSlugConverter:
    regex = r"[0-9]{1,5}(?:-r[0-9]{1,2})?|s-[0-9]{4}-[0-9]{1,5}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MeetingSlugConverter, "meeting")

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<meeting:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<meeting:slug>/<int:order>/", views.statement_detail, name="statement-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<slug:key>/", views.delegation_detail, name="country-detail"),
    path("organisations/<slug:key>/", views.delegation_detail, name="organisation-detail"),
    path("speakers/", views.speaker_list, name="speaker-list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker-detail"),
    path("about/data/", views.about_data, name="about-data"),
    path("agenda/", views.agenda_list, name="agenda-list"),
    path("agenda/<slug:slug>/", views.agenda_detail, name="agenda-detail"),
    path("resolutions/", views.resolution_list, name="resolution-list"),
    path("resolutions/<int:number>/", views.resolution_detail, name="resolution-detail"),
    path("vetoes/", views.veto_list, name="veto-list"),
    path("vetoes/<slug:slug>/", views.veto_detail, name="veto-detail"),
    path("search/", include("archive.search.urls")),
]
