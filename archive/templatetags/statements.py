"""Statement text as pages show it: ``{% for p in statement|linked_paragraphs %}`` gives each
paragraph as escaped HTML with the resolutions it cites linked (from the prefetched citations) and
its document symbols linked (from ``archive.symbol_links.attach``, which a list page calls once)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from archive.rendering import linked_paragraphs as render_linked_paragraphs
from archive.symbol_links import statement_links

register = template.Library()


@register.filter
def linked_paragraphs(statement) -> list[SafeString]:
    return render_linked_paragraphs(statement.text, statement.citations.all(), statement_links(statement))
