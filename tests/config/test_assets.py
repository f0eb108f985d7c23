"""What every page costs on the wire: a favicon where browsers look for it, and text sent compressed."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_where_browsers_ask_for_it_and_every_page_links_one(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an icon resource
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/accounts/login/").text


def test_a_page_is_sent_gzip_compressed_to_a_browser_that_accepts_it(login, interviewer):
    plain = login(interviewer).get("/")
    compressed = login(interviewer).get("/", headers={"accept-encoding": "gzip, deflate, br"})

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    assert gzip.decompress(compressed.content).decode().startswith("<!doctype html>")


def test_the_same_page_compresses_to_different_lengths(client: Client):
    """Heal the BREACH: random bytes in each compressed body, so its length does not follow the content."""
    pages = [client.get("/no-such-page/", headers={"accept-encoding": "gzip"}) for _ in range(8)]

    assert {gzip.decompress(page.content) for page in pages} == {gzip.decompress(pages[0].content)}  # one content
    assert len({len(page.content) for page in pages}) > 1
