from __future__ import annotations

from django.urls import path

from roles import views

app_name = "roles"
urlpatterns = [
    path("", views.role_list, name="list"),
    path("import/", views.role_import, name="import"),
    path("import/preview/", views.role_import_preview, name="import_preview"),
    path("import/publish/", views.role_import_publish, name="import_publish"),
    path("<slug:slug>/", views.role_kit, name="kit"),
    path("<slug:slug>/fixture/", views.role_fixture, name="fixture"),
]
