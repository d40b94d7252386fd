"""How well the record parser agrees with the UNSC Debates corpus split.

For each whole meeting in ``../shared/data/unsc-2020/meetings/`` (PDF and pdftotext text) the
parser's statements are aligned with the corpus speeches of the same record (``speeches.jsonl``,
by ``basename``). A statement boundary is identified by where its speech starts (the first 60
letters and digits after the label); boundaries are aligned in order (longest common
subsequence). Reported per meeting and overall:

- boundary precision, recall and F1;
- delegation agreement over aligned statements (both sides resolved to one delegation key, so
  "United Kingdom" and "United Kingdom of Great Britain and Northern Ireland" agree);
- role agreement: our president ↔ corpus "The President", member ↔ "Mentioned",
  invitee/secretariat/other ↔ "Guest".

    python bench/parser_accuracy.py [--source pdf|text|both] [--json OUT] [--details]

Exits 1 when a threshold of the foundation issue is missed (F1 ≥ 0.995, delegation ≥ 99.5 %,
role ≥ 99 %).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.parsing import parse_path  # noqa: E402
from archive.parsing.delegations import resolve_delegation  # noqa: E402
from archive.parsing.labels import match_label  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "unsc-2020"
ROLE_CLASS = {"president": "The President", "member": "Mentioned"}
THRESHOLDS = {"f1": 0.995, "delegation": 0.995, "role": 0.99}


def boundary_key(label: str, body: str) -> str:
    """Who starts speaking, and the first letters they say.

    The corpus took its text from pdftotext, whose reading order sometimes shuffles words
    ("I thank Mr. his briefing. Robinson for"), and spells names without diacritics; so a
    boundary is the speaker (delegation in the label, or the surname's first letters) and the
    first eight letters of speech, with the OCR confusions 1/|/I folded.
    """
    found = match_label(label + ":") if label else None
    who = "?"
    if found:
        lab = found[0]
        if lab.office:
            who = lab.office.lower()
        elif lab.delegation:
            who = delegation_key(lab.delegation)
        elif lab.name:
            who = unicodedata.normalize("NFKD", lab.name.split()[-1]).encode("ascii", "ignore").decode()[:3].lower()
    letters = re.sub(r"[^0-9a-z]", "", body.lower().replace("|", "i").replace("1", "i"))
    return f"{who}|{letters[:8]}"


def delegation_key(name: str | None) -> str:
    if not name:
        return ""
    info = resolve_delegation(name)
    return info.key if info else name.strip().lower()


def corpus_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = defaultdict(list)
    with (SHARED / "speeches.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row["basename"]].append(row)
    for group in rows.values():
        group.sort(key=lambda r: int(r["speech"]))
    return rows


def basename_for(symbol: str, resumption: int | None) -> str:
    number = symbol.split(".")[-1]
    return f"UNSC_2020_SPV.{number}" + (f"Resumption{resumption}" if resumption else "")


@dataclass
class Score:
    ours: int = 0
    theirs: int = 0
    matched: int = 0
    delegation_ok: int = 0
    role_ok: int = 0
    mismatches: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.ours += other.ours
        self.theirs += other.theirs
        self.matched += other.matched
        self.delegation_ok += other.delegation_ok
        self.role_ok += other.role_ok
        self.mismatches += other.mismatches

    def figures(self) -> dict[str, float]:
        p = self.matched / self.ours if self.ours else 0.0
        r = self.matched / self.theirs if self.theirs else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "statements": self.ours,
            "corpus_speeches": self.theirs,
            "aligned": self.matched,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "delegation": round(self.delegation_ok / self.matched, 4) if self.matched else 0.0,
            "role": round(self.role_ok / self.matched, 4) if self.matched else 0.0,
        }


def score_meeting(path: Path, rows: dict[str, list[dict]], parse=parse_path) -> tuple[str, Score]:
    (meeting,) = parse(path)
    corpus = rows[basename_for(meeting.symbol, meeting.resumption)]
    ours = [boundary_key(s.speaker_label, s.text) for s in meeting.statements]
    theirs = []
    for row in corpus:
        content = row["content"].strip()
        found = match_label(content)
        if found:
            theirs.append(boundary_key(found[0].printed, content[found[1] :]))
        else:
            theirs.append(boundary_key("", content))
    score = Score(ours=len(ours), theirs=len(theirs))
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            s = meeting.statements[block.a + k]
            row = corpus[block.b + k]
            score.matched += 1
            if delegation_key(s.delegation) == delegation_key(row["country"]):
                score.delegation_ok += 1
            else:
                score.mismatches.append(
                    f"{path.name} #{s.order} delegation {s.delegation!r} vs corpus {row['country']!r} ({s.speaker_label})"
                )
            if ROLE_CLASS.get(s.role, "Guest") == row["participanttype"]:
                score.role_ok += 1
            else:
                score.mismatches.append(
                    f"{path.name} #{s.order} role {s.role!r} vs corpus {row['participanttype']!r} ({s.speaker_label})"
                )
    matched_a = {b.a + k for b in matcher.get_matching_blocks() for k in range(b.size)}
    matched_b = {b.b + k for b in matcher.get_matching_blocks() for k in range(b.size)}
    for i, s in enumerate(meeting.statements):
        if i not in matched_a:
            score.mismatches.append(f"{path.name} extra #{s.order} {s.speaker_label}: {s.text[:70]!r}")
    for j, row in enumerate(corpus):
        if j not in matched_b:
            score.mismatches.append(f"{path.name} missed corpus #{row['speech']}: {row['content'][:90]!r}")
    return meeting.symbol + (f" (Resumption {meeting.resumption})" if meeting.resumption else ""), score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", choices=["pdf", "text", "both"], default="both")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    if not SHARED.exists():
        print(f"shared data not found at {SHARED}", file=sys.stderr)
        return 2
    rows = corpus_rows()
    sources = ["pdf", "text"] if args.source == "both" else [args.source]
    report: dict[str, dict] = {}
    failed = False
    for source in sources:
        total = Score()
        per_meeting = {}
        for path in sorted((SHARED / "meetings" / source).iterdir()):
            name, score = score_meeting(path, rows)
            per_meeting[name] = score.figures()
            total.add(score)
        figures = total.figures()
        report[source] = {"overall": figures, "meetings": per_meeting}
        print(f"== {source}")
        for name, fig in per_meeting.items():
            print(
                f"  {name:28} statements {fig['statements']:4}  corpus {fig['corpus_speeches']:4}  "
                f"F1 {fig['f1']:.4f}  delegation {fig['delegation']:.4f}  role {fig['role']:.4f}"
            )
        print(
            f"  {'ALL':28} statements {figures['statements']:4}  corpus {figures['corpus_speeches']:4}  "
            f"P {figures['precision']:.4f} R {figures['recall']:.4f} F1 {figures['f1']:.4f}  "
            f"delegation {figures['delegation']:.4f}  role {figures['role']:.4f}"
        )
        if args.details:
            for line in total.mismatches:
                print("   ", line)
        failed |= any(figures[k] < v for k, v in THRESHOLDS.items())
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
