"""Build archive/parsing/vocabulary.txt: the English words and hyphenated compounds of UNSC speeches.

Source: the UNSC Debates corpus files in ../shared/data/unsc-2020/speeches/ (the corpus authors
joined the PDF line breaks by hand, so its words are whole). A word is kept when it occurs at
least twice; proper names are kept too, lower-cased, since records are full of them.

    python bench/build_vocabulary.py [CORPUS_DIR]
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿ]+)*")


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else ROOT.parent / "shared" / "data" / "unsc-2020" / "speeches"
    counts: collections.Counter[str] = collections.Counter()
    files = sorted(corpus.glob("*.txt"))
    if not files:
        print(f"no speech files in {corpus}", file=sys.stderr)
        return 2
    for path in files:
        text = path.read_bytes().decode("cp1252")
        counts.update(w.lower() for w in WORD_RE.findall(text))
    kept = sorted(w for w, n in counts.items() if n >= 2 and len(w) > 1)
    target = ROOT / "archive" / "parsing" / "vocabulary.txt"
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(files)} files, {len(counts)} distinct words, {len(kept)} kept -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
