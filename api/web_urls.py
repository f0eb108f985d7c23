from __future__ import annotations

from django.urls import path

from api import web

urlpatterns = [
    path("", web.token_list, name="api_tokens"),
    path("<int:token_id>/revoke/", web.token_revoke_view, name="api_token_revoke"),
]
