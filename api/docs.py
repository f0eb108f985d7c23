"""The browsable API documentation: Swagger UI from drf-spectacular-sidecar's local copy, no CDN.

The init script comes from a second request (SpectacularSwaggerSplitView) and the page's one
style rule from a static file, so the page runs under the site's CSP without 'unsafe-inline'.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    permission_classes = [AllowAny]
    title = "Scorecards API v1"
