"""Importing role blueprint documents (text, Markdown, HTML, blog JSON export) as role fixtures.

reading: bytes -> lines; parsing: lines -> the blueprint's items; building: items -> a
`role-blueprint/1` fixture and its review list; storing: the fixture file layout;
publishing: the web import's preview and publish. The rules are in docs/ROLE_FIXTURES.md.
"""
