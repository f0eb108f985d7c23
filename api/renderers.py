from __future__ import annotations

from typing import Any

from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    """JSON with <, > and & written as \\u escapes: stored markup stays inert even if a client renders it as HTML.

    These characters only ever occur inside JSON strings, where the escapes mean the same text.
    """

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        text = super().render(data, accepted_media_type, renderer_context)
        return text.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
