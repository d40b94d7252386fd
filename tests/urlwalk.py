"""The site's URL patterns, walked: for tests that go through every page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def patterns(resolver=None, prefix="", namespace=""):
    """(route, full name, converters, view) for every named URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name, entry.pattern.converters, entry.callback
