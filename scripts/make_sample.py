"""Build ``sample/``: the small real sample the repository ships for the demo and the tests.

    python scripts/make_sample.py [SHARED_DATA_DIR]

Takes from ``../shared/data/unsc-2020`` (see sample/README.md for the sources):
- three whole verbatim records as published (PDF): S/PV.8698, S/PV.8700, S/PV.8708;
- ten resolution texts cited in those statements (from ../shared/data/unsc-resolutions-1946-2015);
- a corpus folder in the same layout with every speech of seven other meetings: five in-person
  records (speech files in Windows-1252, CRLF) and two videoconferences published as letters
  (metadata and content only, as in the corpus).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFS = ["S_PV.8698_E.pdf", "S_PV.8700_E.pdf", "S_PV.8708_E.pdf"]
CORPUS_MEETINGS = [
    "UNSC_2020_SPV.8709",
    "UNSC_2020_SPV.8710",
    "UNSC_2020_SPV.8711",
    "UNSC_2020_SPV.8714",
    "UNSC_2020_SPV.8717",
    "UNSC_2020_SPV.2020_254",
    "UNSC_2020_SPV.2020_274",
]
RESOLUTIONS = [
    f"S-RES-{n}.txt"
    for n in (
        "1540(2004)",
        "2254(2015)",
        "1267(1999)",
        "2118(2013)",
        "2165(2014)",
        "1325(2000)",
        "2250(2015)",
        "2139(2014)",
        "2216(2015)",
        "242(1967)",
    )
]


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else ROOT.parent / "shared" / "data" / "unsc-2020"
    target = ROOT / "sample"
    (target / "records").mkdir(parents=True, exist_ok=True)
    for name in PDFS:
        shutil.copyfile(shared / "meetings" / "pdf" / name, target / "records" / name)
    corpus = target / "corpus-2020"
    speeches = corpus / "speeches"
    if corpus.exists():
        shutil.rmtree(corpus)
    speeches.mkdir(parents=True)
    kept = []
    with (shared / "speeches.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["basename"] in CORPUS_MEETINGS:
                kept.append(line)
                if row["has_txt_file"]:
                    shutil.copyfile(shared / "speeches" / row["filename"], speeches / row["filename"])
    (corpus / "speeches.jsonl").write_text("".join(kept), encoding="utf-8")
    header, *rows = (shared / "meta.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    keep = {json.loads(line)["filename"] for line in kept}
    (corpus / "meta.tsv").write_text(header + "".join(r for r in rows if r.split("\t", 1)[0] in keep), encoding="utf-8")
    resolutions = target / "resolutions"
    resolutions.mkdir(exist_ok=True)
    for name in RESOLUTIONS:
        shutil.copyfile(shared.parent / "unsc-resolutions-1946-2015" / "resolutions" / name, resolutions / name)
    print(f"{len(PDFS)} records, {len(kept)} corpus speeches in {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
