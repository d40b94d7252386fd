"""python -m archive.parsing PATH [PATH ...] -> one JSON document on standard output.

{"meetings": [{"symbol": "S/PV.8698", "resumption": null, "date": "2020-01-08",
  "statements": [{"order": 1, "speaker_label": "The President", "speaker": "Mr. Dang",
  "delegation": "Viet Nam", "role": "president", "language": null, "text": "...",
  "citations": []}]}]}
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from . import ParseError, parse_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.parsing", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--symbol", help="meeting symbol for a single statement file, e.g. S/PV.8027")
    parser.add_argument(
        "--date", type=dt.date.fromisoformat, help="meeting date (YYYY-MM-DD) for a single statement file"
    )
    args = parser.parse_args(argv)
    meetings = []
    status = 0
    for path in args.paths:
        try:
            meetings.extend(parse_path(path, symbol=args.symbol, date=args.date))
        except ParseError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
    json.dump({"meetings": [m.as_dict() for m in meetings]}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
