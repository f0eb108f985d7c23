from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from accounts.profile_views import account_settings
from config.views import health

handler404 = "config.views.not_found"

urlpatterns = [
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("accounts/oidc/", include("accounts.urls")),
    path("accounts/settings/", account_settings, name="account_settings"),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/v1/", include("api.urls")),
    path("harvest/v1/", include("api.harvest_urls")),  # Greenhouse Harvest-compatible reads (api.harvest)
    path("settings/tokens/", include("api.web_urls")),
    path("roles/", include("roles.urls")),
    path("", include("hiring.urls")),
]
