"""Links of a list page's rows: one `reverse()` per kind of link, then string building per row.

`reverse()` walks the URL resolver each time it is called: on a list of 50 rows with three links each it
was a tenth of the page's CPU (issue 27). A `Link` reverses its URL name once, with a marker where the
row's id or slug goes, and fills each row's value in:

    detail = Link("loop_detail")
    rows = [Row(url=detail(loop.pk), ...) for loop in loops]

The URLconf stays the one home of every path. A `Link` is made per request (inside a selector call), not at
import time: the script prefix and the URLconf can differ between requests.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

# Digits only, so that every converter the app's links use (int, slug, str) accepts it; appears in no route.
MARK = "9071523864"
# What reverse() leaves unquoted in a path (django.urls.resolvers), so that a filled-in value reads the same.
SAFE = RFC3986_SUBDELIMS + "/~:@"


class Link:
    """`Link(name)(value)` is `reverse(name, args=[value])` for a URL with one argument, without the resolver."""

    def __init__(self, name: str) -> None:
        url = reverse(name, args=[MARK])
        self.head, mark, self.tail = url.partition(MARK)
        if not mark or MARK in self.tail:
            raise ValueError(f"URL {name!r} does not take its one argument as a path segment: {url}")

    def __call__(self, value: int | str) -> str:
        return f"{self.head}{quote(str(value), safe=SAFE)}{self.tail}"
