"""The one service that writes parsed meetings into the database.

Each meeting is written in its own transaction: a meeting is stored whole or not at all.
Re-importing replaces a meeting in place (statement numbers, and so statement URLs, stay), and
an unchanged meeting is left untouched. One meeting reached through several sources (its PDF,
its pdftotext text, the research corpus) is stored once, from the best source:
PDF > text > corpus > single statement.

| module | owns |
| --- | --- |
| ``runs`` | ``import_paths``: a run over paths, its ImportRun, the import lock, the counts checked at the end |
| ``sources`` | paths, folders and globs expanded to sources (records before corpora), parsed; ``reader_of`` |
| ``meetings`` | ``Writer``: one meeting's transaction (row, seats, statements, citations, adoptions, counts) |
| ``identities`` | delegations and speakers resolved at write time (``surname_key``, ``fold``) |
| ``speakers`` | who is who by hand: ``merge_speakers``, ``split_name``; ``merge_report`` of every form joined to a person |
| ``quality`` | data-quality flags and hand corrections (``flag_statements``, ``correct_meeting``) |
| ``resolutions`` | resolution texts and ``relink_citations`` |
| ``counts`` | ``check_counts``: every stored count against the rows, repaired on request |
| ``vetoes`` | the veto list (``import_vetoes``), merged with the vetoes the records announce |

Every public name is importable from ``archive.importing``.
"""

from ..stats import Touched
from .counts import CountDifference, check_counts
from .identities import Identities, fold, surname_key
from .meetings import (
    PARSER_VERSION,
    STATEMENT_WRITES_LOCK,
    MeetingOutcome,
    Writer,
    hold_statement_writes,
    meeting_checksum,
    settled_statement_id,
)
from .quality import OCR_CONFIDENCE_FLOOR, apply_corrections, correct_meeting, flag_statements
from .resolutions import ResolutionSummary, import_resolutions, relink_citations, resolution_files
from .runs import IMPORT_LOCK, IMPORT_LOCK_HOLDER, ImportSummary, import_lock, import_paths
from .sources import READERS, RECORD_SUFFIXES, Source, expand, parse_sources, reader_of, resolved
from .speakers import MergedForm, merge_report, merge_speakers, split_name
from .vetoes import VetoSummary, import_vetoes

__all__ = [
    "CountDifference",
    "IMPORT_LOCK",
    "IMPORT_LOCK_HOLDER",
    "OCR_CONFIDENCE_FLOOR",
    "PARSER_VERSION",
    "READERS",
    "RECORD_SUFFIXES",
    "STATEMENT_WRITES_LOCK",
    "Identities",
    "ImportSummary",
    "MeetingOutcome",
    "MergedForm",
    "ResolutionSummary",
    "Source",
    "Touched",
    "VetoSummary",
    "Writer",
    "apply_corrections",
    "check_counts",
    "correct_meeting",
    "expand",
    "flag_statements",
    "fold",
    "hold_statement_writes",
    "import_lock",
    "import_paths",
    "import_resolutions",
    "import_vetoes",
    "meeting_checksum",
    "merge_report",
    "merge_speakers",
    "parse_sources",
    "reader_of",
    "relink_citations",
    "resolution_files",
    "resolved",
    "settled_statement_id",
    "split_name",
    "surname_key",
]
