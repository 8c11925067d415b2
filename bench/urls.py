"""The site's URLconf with two ceilings in front of it, for the benchmark's server only
(bench/settings.py): what a bare view costs on this stack, to measure the real ones against."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/ceiling/json/", views.ceiling_json, name="bench-ceiling-json"),
    path("bench/ceiling/write/", views.CeilingWriteView.as_view(), name="bench-ceiling-write"),
    path("", include("school.urls")),
]
