from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("authenticate/", views.OIDCAuthenticateView.as_view(), name="oidc_authentication_init"),
    path("callback/", views.OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
