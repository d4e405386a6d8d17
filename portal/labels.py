"""Translated display labels for the domain's enums; templates use the ``label`` filter."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
# Lazy, as these labels are built at import; named ``pgettext`` so that the default extraction
# keywords keep the context. A word with two meanings (a state, a verb, a column) gets a context.
from flask_babel import lazy_pgettext as pgettext

from portal.models import (
    AwardLevel,
    NominationState,
    RegistrationState,
    ScoreState,
    VoteChoice,
    CampaignState,
    Classification,
    CriterionKind,
    NomineeKind,
    Role,
    UnitKind,
    VoteDenominator,
)

LABELS: dict[enum.Enum, object] = {
    Role.UNIT_OFFICER: _l("Unit officer"),
    Role.REVIEWER: _l("Reviewer"),
    Role.COUNCIL: _l("Council member"),
    Role.ADMIN: _l("Administrator"),
    UnitKind.PROVINCIAL_BOARD: _l("Provincial organization board"),
    UnitKind.CITY_COMMITTEE: _l("City committee organization board"),
    UnitKind.DISTRICT_COMMITTEE: _l("District committee organization board"),
    UnitKind.PROVINCIAL_COMMITTEE: _l("Party committee under the province"),
    CampaignState.DRAFT: pgettext("campaign state", "Draft"),
    CampaignState.OPEN: pgettext("campaign state", "Open"),
    CampaignState.SCORING: _l("Scoring"),
    CampaignState.CLOSED: pgettext("campaign state", "Closed"),
    Classification.EXCELLENT: _l("Excellently fulfilled duties"),
    Classification.GOOD: _l("Well fulfilled duties"),
    Classification.COMPLETED: _l("Fulfilled duties"),
    Classification.NOT_COMPLETED: _l("Did not fulfil duties"),
    CriterionKind.GROUP: _l("Task group"),
    CriterionKind.ITEM: _l("Scored item"),
    CriterionKind.BONUS_GROUP: _l("Bonus points"),
    CriterionKind.BONUS: _l("Bonus item"),
    CriterionKind.DEDUCTION_GROUP: _l("Deductions"),
    CriterionKind.DEDUCTION: _l("Deduction item"),
    NomineeKind.COLLECTIVE: _l("Collective"),
    NomineeKind.INDIVIDUAL: _l("Individual"),
    AwardLevel.SECTOR: _l("Sector"),
    AwardLevel.PROVINCE: _l("Province"),
    AwardLevel.CENTRAL: _l("Central"),
    VoteDenominator.ALL_MEMBERS: _l("of all council members"),
    VoteDenominator.VOTERS: _l("of members who voted"),
    RegistrationState.DRAFT: pgettext("item state", "Draft"),
    RegistrationState.SUBMITTED: pgettext("item state", "Submitted"),
    RegistrationState.ACCEPTED: pgettext("item state", "Accepted"),
    RegistrationState.RETURNED: _l("Returned for changes"),
    ScoreState.DRAFT: pgettext("item state", "Draft"),
    ScoreState.SUBMITTED: pgettext("item state", "Submitted"),
    ScoreState.APPROVED: pgettext("item state", "Approved"),
    ScoreState.RETURNED: _l("Returned for changes"),
    NominationState.DRAFT: pgettext("item state", "Draft"),
    NominationState.SUBMITTED: pgettext("item state", "Submitted"),
    NominationState.RETURNED: _l("Returned for changes"),
    NominationState.FORWARDED: _l("Forwarded to the council"),
    NominationState.APPROVED: _l("Approved by the council"),
    NominationState.REJECTED: pgettext("item state", "Rejected"),
    NominationState.AWARDED: pgettext("item state", "Awarded"),
    VoteChoice.AGREE: _l("Agree"),
    VoteChoice.DISAGREE: _l("Disagree"),
    VoteChoice.ABSTAIN: _l("Abstain"),
}

DEADLINE_LABELS = {
    "registration": _l("Pledge registration deadline"),
    "reporting": _l("Reporting deadline"),
    "review": _l("End of review"),
    "ceremony": _l("Award ceremony"),
}


def label(value) -> str:
    if isinstance(value, enum.Enum):
        return str(LABELS.get(value, value.value))
    return str(DEADLINE_LABELS.get(value, value))


HISTORY_LABELS = {
    "save": _l("saved a draft"),
    "submit": _l("submitted"),
    "approve": _l("approved"),
    "adjust": _l("approved with an adjusted score"),
    "return": _l("returned for changes"),
    "accept": _l("accepted"),
    "reopen": _l("reopened"),
    "comment": _l("commented"),
    "forward": _l("forwarded to the council"),
    "reject": _l("rejected"),
    "award": _l("awarded"),
    "vote": _l("voted"),
    "close_vote": _l("closed the vote"),
    "attach": _l("attached a dossier file"),
    "detach": _l("removed a dossier file"),
    "end_sessions": _l("ended all sessions of the account"),
    "disable_account": _l("disabled the account"),
    "enable_account": _l("enabled the account"),
    "create_account": _l("created the account"),
    "update_account": _l("changed the account"),
    "reset_password": _l("reset the account's password"),
    "change_own_password": _l("changed their own password"),
}

FILE_KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPG",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}


def history_label(action: str) -> str:
    return str(HISTORY_LABELS.get(action, action))


def state_label(value: str) -> str:
    """A stored state value (history keeps plain strings) shown as its label."""
    from portal.models import NominationState, ScoreState

    for states in (ScoreState, NominationState):
        try:
            return label(states(value))
        except ValueError:
            continue
    return value


def file_kind(content_type: str) -> str:
    return FILE_KINDS.get(content_type, content_type)


KIND_LABELS = {
    "score_line": _l("Score line"),
    "registration": _l("Pledge registration"),
    "nomination": _l("Nomination"),
    "user": _l("Account"),
}

# The same words as the unit's side shows for the same state (LABELS above).
QUEUE_STATE_LABELS = {
    "submitted": pgettext("item state", "Submitted"),
    "forwarded": _l("Forwarded to the council"),
    "rejected": pgettext("item state", "Rejected"),
    "awarded": pgettext("item state", "Awarded"),
    "returned": _l("Returned for changes"),
    "approved": pgettext("item state", "Approved"),
    "accepted": pgettext("item state", "Accepted"),
    "all": _l("All"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def queue_state_label(state: str) -> str:
    return str(QUEUE_STATE_LABELS.get(state, state))


def classification_label(value: str) -> str:
    from portal.models import Classification

    return label(Classification(value))


STAGE_LABELS = {
    "title": _l("title screen"),
    "ranks": _l("ranks"),
    "leaders": _l("cluster leaders"),
    "awards": _l("award list"),
    "live": _l("live"),
}


def stage_label(kind: str) -> str:
    return str(STAGE_LABELS.get(kind, kind))
