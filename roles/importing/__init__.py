"""Importing rubric documents (text, Markdown with or without front matter, HTML, blog JSON export) as role fixtures.

reading: bytes -> numbered lines (markdown-it-py, html.parser); levels: what a column or a line's lead says
about a scale level; parsing: lines -> the rubric's items, each with its line, and the lines not placed;
building: items -> a `role-blueprint/1` fixture, its review list and its sources; deriving: anchors derived
on request; matching: word stems shared by two texts; storing: the fixture file layout; publishing: the
web import's preview and publish. The rules are in docs/ROLE_FIXTURES.md.
"""
