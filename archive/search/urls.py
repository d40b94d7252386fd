from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="search"),
    path("help/", views.search_help, name="search-help"),
]
