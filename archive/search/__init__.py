"""Full-text search: our query language (``query``), the project's Whoosh engine for haystack
(``backend``), index upkeep (``upkeep``: rebuild aside and swap, update after an import, repair),
the search itself (``service``) and its pages (``views``). See docs/search.md."""
