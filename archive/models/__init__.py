"""The archive's data: meetings, statements, speakers, delegations, Council membership.

Rows are written only by ``archive.importing``. Queries that pages need live on the QuerySets
(``core.py``) so views stay thin and list pages keep a constant number of queries. ``core.py``
holds the content (delegations, speakers, meetings, statements, resolutions, citations);
``records.py`` what the archive records about it and its readers (summaries, import runs, flags,
corrections, subscriptions). Every name is imported from ``archive.models``.
"""

from .core import (  # noqa: F401 - the models and rules every caller imports from archive.models
    ROLE_CHOICES,
    SOURCE_CHOICES,
    SOURCE_RANK,
    STATE_KINDS,
    AgendaItem,
    AgendaItemQuerySet,
    Citation,
    CitationQuerySet,
    CouncilSeat,
    Delegation,
    Meeting,
    MeetingQuerySet,
    Resolution,
    ResolutionQuerySet,
    ResolutionReference,
    Speaker,
    SpeakerName,
    SpeakerQuerySet,
    Statement,
    StatementQuerySet,
    VetoedDraft,
    VetoedDraftQuerySet,
    chrono_key,
    official_document_url,
)
from .records import (  # noqa: F401
    ArchiveState,
    Correction,
    DelegationYear,
    ImportRun,
    SpeakerDecision,
    SpeakerRedirect,
    StatementAlias,
    StatementFlag,
    StatementFlagQuerySet,
    Subscription,
    SubscriptionQuerySet,
)
