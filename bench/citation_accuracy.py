"""Precision and recall of archive.citations on the hand-labelled gold set.

Usage (from the project root)::

    python bench/citation_accuracy.py [--verbose]

Reads tests/fixtures/citations/{speeches,pdf_records,resolutions}.json, runs
``find_citations`` on every passage (with the passage's ``self_number``) and
matches a found citation to a gold one by (number, year, start offset).
Prints precision and recall per group and overall; exits 1 when any group
falls below precision 0.995 or recall 0.99.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from archive.citations import find_citations  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "citations"
GROUPS = ("speeches", "pdf_records", "resolutions")
MIN_PRECISION = 0.995
MIN_RECALL = 0.99

Key = tuple[int, int | None, int]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    paragraph_errors: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    def add(self, other: Score) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives
        self.paragraph_errors += other.paragraph_errors
        self.errors.extend(other.errors)


def load_group(name: str) -> list[dict]:
    with (FIXTURES / f"{name}.json").open(encoding="utf-8") as fh:
        return json.load(fh)["passages"]


def score_passages(passages: list[dict]) -> Score:
    score = Score()
    for passage in passages:
        text = passage["text"]
        gold: dict[Key, dict] = {(g["number"], g["year"], g["start"]): g for g in passage["expected"]}
        found = {(c.number, c.year, c.start): c for c in find_citations(text, self_number=passage["self_number"])}
        for key, cite in found.items():
            if key in gold:
                score.true_positives += 1
                if list(cite.paragraphs) != gold[key]["paragraphs"]:
                    score.paragraph_errors += 1
                    score.errors.append(
                        f"{passage['id']}: paragraphs {list(cite.paragraphs)} != {gold[key]['paragraphs']}"
                    )
            else:
                score.false_positives += 1
                score.errors.append(f"{passage['id']}: false positive {cite.text!r} {key}")
        for key, g in gold.items():
            if key not in found:
                score.false_negatives += 1
                score.errors.append(f"{passage['id']}: missed {g['text']!r} {key}")
    return score


def evaluate() -> dict[str, Score]:
    """Scores per group plus ``"overall"``."""
    scores: dict[str, Score] = {}
    overall = Score()
    for name in GROUPS:
        scores[name] = score_passages(load_group(name))
        overall.add(scores[name])
    scores["overall"] = overall
    return scores


def failing_groups(scores: dict[str, Score]) -> list[str]:
    return [name for name in GROUPS if scores[name].precision < MIN_PRECISION or scores[name].recall < MIN_RECALL]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    scores = evaluate()
    print(f"{'group':<12} {'gold':>5} {'found':>6} {'tp':>5} {'precision':>10} {'recall':>8} {'para.err':>9}")
    for name, s in scores.items():
        gold = s.true_positives + s.false_negatives
        found = s.true_positives + s.false_positives
        print(
            f"{name:<12} {gold:>5} {found:>6} {s.true_positives:>5} "
            f"{s.precision:>10.4f} {s.recall:>8.4f} {s.paragraph_errors:>9}"
        )
    if "--verbose" in args or "-v" in args:
        for err in scores["overall"].errors:
            print("  " + err)
    failing = failing_groups(scores)
    if failing:
        print(f"below threshold (precision {MIN_PRECISION}, recall {MIN_RECALL}): {', '.join(failing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
