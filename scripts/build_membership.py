"""Write archive/parsing/council_membership.tsv from the membership data set.

    python scripts/build_membership.py [../shared/data/unsc-membership-1946-2026]

One row per member and year: year, delegation key (as in archive/parsing/delegations.py),
permanent (1/0), the name as the source writes it. Every member must resolve to a delegation
of the table, or the script fails naming it. Source: see that folder's README (the Wikipedia
article "List of members of the United Nations Security Council", through
404-Program-not-found/unsc-api).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.parsing.delegations import delegation_by_key  # noqa: E402
from archive.parsing.membership import MEMBERSHIP_FILE  # noqa: E402

# The data set's ISO codes whose delegation key differs from the code in lower case.
KEYS = {"TWN": "republic-of-china"}
KEYS_BY_NAME = {("COD", "Zaire"): "zar"}  # the data set files Zaire under its later code


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT.parent / "shared" / "data" / "unsc-membership-1946-2026"
    rows = ["year\tkey\tpermanent\tname"]
    for path in sorted((folder / "years").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for member in data["members"]:
            iso3, name = member["iso3"], member["name"]
            key = KEYS_BY_NAME.get((iso3, name)) or KEYS.get(iso3) or iso3.lower()
            if delegation_by_key(key) is None:
                raise SystemExit(f"{path}: {name} ({iso3}) is not in archive/parsing/delegations.py")
            rows.append(f"{data['year']}\t{key}\t{int(bool(member['permanent']))}\t{name}")
    MEMBERSHIP_FILE.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows) - 1} seats, {MEMBERSHIP_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
