"""All models, importable from one place; each lives in the module of its feature area."""
from portal.models.base import Base, utcnow
from portal.models.campaign import (
    CLASSIFICATION_ORDER,
    GROUP_OF,
    AwardLevel,
    AwardType,
    Campaign,
    CampaignState,
    Classification,
    Criterion,
    CriterionKind,
    NomineeKind,
    TieBreak,
    VoteDenominator,
)
from portal.models.chain import (
    FinalResult,
    LevelScope,
    ResultCorrection,
    ReviewLevel,
    ReviewStep,
    Scorecard,
    ScorecardState,
    review_level_member,
)
from portal.models.evidence import Evidence
from portal.models.nomination import (
    Nomination,
    NominationDocument,
    NominationState,
    PastClassification,
    Vote,
    VoteChoice,
)
from portal.models.org import Cluster, Unit, UnitKind
from portal.models.reminder import Reminder, ReminderRun, ReviewDigest
from portal.models.review import AuditEvent, Comment, Counter, Notification, QueueItem
from portal.models.search import SearchEntry
from portal.models.scoreboard import DisplayLink, RenderedScoreboard, ScoreboardState
from portal.models.session import LoginAttempt, UserSession
from portal.models.transfer import ReferenceUpload
from portal.models.user import Role, User
from portal.models.workspace import (
    EDITABLE_REGISTRATION,
    EDITABLE_SCORE,
    Commitment,
    ProgressNote,
    Registration,
    RegistrationState,
    ScoreLine,
    ScoreState,
)

__all__ = [
    "Base", "utcnow", "CLASSIFICATION_ORDER", "GROUP_OF", "AwardLevel", "AwardType", "Campaign",
    "CampaignState", "Classification", "Criterion", "CriterionKind", "NomineeKind", "TieBreak",
    "VoteDenominator", "Cluster", "Unit", "UnitKind", "Role", "User", "Evidence", "EDITABLE_REGISTRATION",
    "EDITABLE_SCORE", "Commitment", "AuditEvent", "Comment", "Counter", "Notification", "QueueItem", "ProgressNote", "Registration", "RegistrationState",
    "ScoreLine", "ScoreState", "DisplayLink", "RenderedScoreboard", "ScoreboardState", "Nomination",
    "NominationDocument", "NominationState", "PastClassification", "Vote", "VoteChoice",
    "LoginAttempt", "UserSession", "Reminder", "ReminderRun", "ReviewDigest", "ReferenceUpload",
    "SearchEntry", "FinalResult", "LevelScope", "ResultCorrection", "ReviewLevel", "ReviewStep", "Scorecard",
    "ScorecardState", "review_level_member",
]
