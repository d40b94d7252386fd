"""Spelling suggestions at a bounded cost, the same on every engine.

Each engine hands over the words of its indexed text as they were written (unstemmed: Whoosh's
``spell_text`` field, tantivy's ``spelling_words``), with their document frequencies, one first
letter at a time; ``Vocabulary`` keeps what it has read for the life of the searcher (an index
state never changes) and answers ``close_words()`` by comparing a word only with the words that
share its first letter and are at most ``MAX_EDITS`` letters longer or shorter, each comparison
giving up as soon as it must exceed ``MAX_EDITS``. A word longer than ``MAX_WORD_CHARS`` gets no
suggestion (no misspelling is that long), so one query's cost is bounded by the caps in
``service.suggest``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from archive.parsing.textfix import edit_distance

MAX_EDITS = 2
MAX_WORD_CHARS = 24


class Vocabulary:
    """The indexed words by first letter and length, read on demand through ``words_with_prefix``
    (a first letter -> (word, document frequency) pairs)."""

    def __init__(self, words_with_prefix: Callable[[str], Iterable[tuple[str, int]]]) -> None:
        self._read = words_with_prefix
        self._by_letter: dict[str, dict[int, list[tuple[str, int]]]] = {}

    def _words(self, letter: str) -> dict[int, list[tuple[str, int]]]:
        found = self._by_letter.get(letter)
        if found is None:
            by_length: dict[int, list[tuple[str, int]]] = defaultdict(list)
            for word, frequency in self._read(letter):
                if len(word) <= MAX_WORD_CHARS + MAX_EDITS:
                    by_length[len(word)].append((word, frequency))
            found = self._by_letter[letter] = dict(by_length)
        return found

    def close_words(self, word: str, limit: int = 3) -> list[str]:
        """Indexed words at most ``MAX_EDITS`` edits from ``word`` (same first letter), closest and
        then most frequent first; none for a word longer than ``MAX_WORD_CHARS``."""
        word = word.lower()
        if not word or len(word) > MAX_WORD_CHARS:
            return []
        words = self._words(word[0])
        scored = []
        for length in range(len(word) - MAX_EDITS, len(word) + MAX_EDITS + 1):
            for candidate, frequency in words.get(length, ()):
                if candidate != word and (distance := edit_distance(word, candidate, MAX_EDITS)) <= MAX_EDITS:
                    scored.append((distance, -frequency, candidate))
        return [candidate for _, _, candidate in sorted(scored)[:limit]]
