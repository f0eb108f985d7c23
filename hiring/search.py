"""Finding a candidate: by name or email, any part of either, whatever the case and the accents.

A candidate's name and email are kept, normalised by `search_key`, in the stored column
`Candidate.search_text` (set on every save, and by the bulk writers that skip save), and a query is
normalised the same way before it is looked for inside that column. On PostgreSQL a trigram index
(pg_trgm's GIN operator class, migration 0018) serves "contains" searches of three characters or more
at any number of candidates; SQLite reads the column in full, which is fine at its sizes.
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark, spelled as people type them without
# the accent (casefold() already turns ß into ss).
_PLAIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i", "ħ": "h"})

MAX_QUERY = 200
"""The longest search query looked for (a candidate's name is at most 200 characters)."""

SEARCH_TEXT_MAX = 2_000
"""The stored search column's limit: a name and an email (455 characters) even where NFKD spells a character out
in many (a ligature, say); past it a name is found by its beginning."""


def search_key(*texts: str) -> str:
    """The texts in lower case without accents, joined by a space: "Søren Ødegård" and "soren odegard" agree."""
    joined = " ".join(text for text in texts if text)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_PLAIN).split())


def candidate_search_text(name: str, email: str) -> str:
    """What `Candidate.search_text` holds for this name and email."""
    return search_key(name, email)[:SEARCH_TEXT_MAX]
