"""Golden files for whole verbatim records: tests/fixtures/golden/<record>.expected.json.

Each file holds what the parser made of one real record from ../shared/data/unsc-2020/meetings:
the cover page, and per statement its order, label as printed, speaker, delegation, role,
language, word count, the first and last words and a SHA-1 of the text. A change in parsing
shows as a readable diff. After a deliberate change, regenerate and review the diff:

    python tests/golden.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.parsing import ParsedMeeting, parse_path  # noqa: E402

GOLDEN = ROOT / "tests" / "fixtures" / "golden"
MEETINGS = ROOT.parent / "shared" / "data" / "unsc-2020" / "meetings"


def summary(meeting: ParsedMeeting) -> dict:
    data = meeting.as_dict()
    statements = []
    for s in meeting.statements:
        words = s.text.split()
        statements.append(
            {
                "order": s.order,
                "speaker_label": s.speaker_label,
                "speaker": s.speaker,
                "delegation": s.delegation,
                "role": s.role,
                "language": s.language,
                "national_capacity": s.national_capacity,
                "paragraphs": len(s.paragraphs),
                "words": len(words),
                "starts": " ".join(words[:12]),
                "ends": " ".join(words[-8:]),
                "sha1": hashlib.sha1(s.text.encode()).hexdigest(),
            }
        )
    data["statements"] = statements
    return data


def golden_name(path: Path) -> str:
    return f"{path.stem}.{path.suffix.lstrip('.')}.expected.json"


def sources() -> list[Path]:
    return sorted((MEETINGS / "pdf").glob("*.pdf")) + sorted((MEETINGS / "text").glob("*.txt"))


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in sources():
        (meeting,) = parse_path(path)
        target = GOLDEN / golden_name(path)
        target.write_text(json.dumps(summary(meeting), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(meeting.statements)} statements -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
