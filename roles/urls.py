from __future__ import annotations

from django.urls import path

from roles import views

app_name = "roles"
urlpatterns = [
    path("", views.role_list, name="list"),
    path("<slug:slug>/", views.role_kit, name="kit"),
]
