"""Full-text search: our query language (``query``), the engine interface and what the engines
share (``engine``), the Whoosh and tantivy engines for haystack (``backend``, ``tantivy_backend``),
index upkeep (``upkeep``: rebuild aside and swap, update after an import, repair), the search itself
(``service``, ``matching``) and its pages (``views``). See docs/search.md."""
