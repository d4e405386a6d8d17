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
    LevelScope,
    ScorecardState,
    ScoreState,
    VoteChoice,
    CampaignState,
    Classification,
    CriterionKind,
    LevelScope,
    NomineeKind,
    Role,
    TieBreak,
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
    ScorecardState.WAITING: _l("Waiting for earlier levels"),
    ScorecardState.SUBMITTED: pgettext("scorecard state", "Waiting for sign-off"),
    ScorecardState.APPROVED: pgettext("scorecard state", "Signed off"),
    LevelScope.ITEM: _l("Item by item"),
    LevelScope.SCORECARD: _l("The unit's scorecard as a whole"),
    LevelScope.RANKING: _l("The ranking as a whole (final result)"),
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
    TieBreak.BONUS_THEN_DEDUCTIONS: _l("Equal totals: more bonus points first, then fewer deductions"),
    TieBreak.NONE: _l("Equal totals share the rank"),
    LevelScope.ITEM: _l("Item by item"),
    LevelScope.SCORECARD: _l("The unit's scorecard as a whole"),
    LevelScope.RANKING: _l("The ranking as a whole (final result)"),
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


# What each audited action is called (the audit trail's action filter). Every action the code can
# write has one: tests/audit/test_wording.py collects them from the code.
HISTORY_LABELS = {
    "save": _l("saved a draft"),
    "submit": _l("submitted"),
    "approve": _l("approved"),
    "adjust": _l("approved with an adjusted score"),
    "return": _l("returned for changes"),
    "send_back": _l("sent back to the previous level"),
    "arrive": _l("reached a review level"),
    "accept": _l("accepted"),
    "reopen": _l("reopened"),
    "comment": _l("commented"),
    "forward": _l("forwarded to the council"),
    "reject": _l("rejected"),
    "award": _l("awarded"),
    "vote": _l("voted"),
    "attach": _l("attached a dossier file"),
    "detach": _l("removed a dossier file"),
    "end_sessions": _l("ended all sessions of the account"),
    "disable_account": _l("disabled the account"),
    "enable_account": _l("enabled the account"),
    "create_account": _l("created the account"),
    "update_account": _l("changed the account"),
    "reset_password": _l("reset the account's password"),
    "change_own_password": _l("changed their own password"),
    "campaign_open": _l("opened the campaign"),
    "campaign_start_scoring": _l("started scoring"),
    "campaign_close": _l("closed the campaign"),
    "campaign_set_current": _l("set the current campaign"),
    "campaign_copied": _l("copied a campaign to a new year"),
    "campaign_edited": _l("changed the campaign settings"),
    "reference_import": _l("imported reference data"),
    "criterion_created": _l("added a criterion"),
    "criterion_edited": _l("changed a criterion"),
    "criterion_removed": _l("removed a criterion"),
    "criterion_moved": _l("moved a criterion"),
    "unit_created": _l("added a unit"),
    "unit_edited": _l("changed a unit"),
    "unit_moved": _l("moved a unit to another cluster"),
    "unit_ended": _l("ended a unit"),
    "cluster_created": _l("added a cluster"),
    "cluster_edited": _l("changed a cluster"),
    "cluster_reordered": _l("reordered the clusters"),
    "award_type_created": _l("added an award type"),
    "award_type_edited": _l("changed an award type"),
    "award_type_removed": _l("removed an award type"),
    "award_type_moved": _l("moved an award type"),
    "review_level_created": _l("added a review level"),
    "review_level_edited": _l("changed a review level"),
    "review_level_removed": _l("removed a review level"),
    "review_level_moved": _l("moved a review level"),
    "publish": _l("published the scoreboard"),
    "unpublish": _l("withdrew the scoreboard"),
    "freeze": _l("froze the scoreboard"),
    "unfreeze": _l("unfroze the scoreboard"),
    "reveal": _l("moved the ceremony reveal"),
    "display_link": _l("created a display link"),
    "revoke_link": _l("revoked a display link"),
    "result_approved": _l("approved the final result"),
    "result_unlocked": _l("unlocked the final result"),
}

# Each event as a sentence, looked up by "subject:action[:variant]", then "action". The values are
# formatted by portal.audit.wording (points, dates, quoted texts) before they are put in.
ACTION_SENTENCES = {
    "score_line:save": _l("%(actor)s saved a draft, self-score %(old_self_score)s → %(self_score)s"),
    "score_line:save:first": _l("%(actor)s saved a draft, self-score %(self_score)s"),
    "score_line:save:cleared": _l("%(actor)s saved a draft and cleared the self-score (was %(old_self_score)s)"),
    "score_line:save:explanation": _l("%(actor)s saved a draft of the explanation"),
    "score_line:submit": _l("%(actor)s submitted it for review, self-score %(self_score)s"),
    "score_line:approve": _l("%(actor)s approved %(approved_score)s points"),
    "score_line:adjust": _l("%(actor)s approved %(approved_score)s points (self-score %(self_score)s): %(reason)s"),
    "score_line:approve:level": _l("%(actor)s approved %(approved_score)s points at the level “%(level)s”"),
    "score_line:adjust:level": _l("%(actor)s set %(approved_score)s points at the level “%(level)s” (earlier "
                                  "figure %(previous_score)s, self-score %(self_score)s): %(reason)s"),
    "return": _l("%(actor)s returned it for changes: %(comment)s"),
    "return:level": _l("%(actor)s returned it to the unit from the level “%(level)s”: %(comment)s"),
    "send_back": _l("%(actor)s sent it back from the level “%(level)s” to “%(to_level)s”: %(comment)s"),
    "scorecard:arrive": _l("%(actor)s completed the scorecard for the level “%(level)s”: every line now waits there"),
    "scorecard:approve": _l("%(actor)s signed off the scorecard at the level “%(level)s” (%(lines)s lines)"),
    "comment": _l("%(actor)s commented: %(comment)s"),
    "registration:submit": _l("%(actor)s submitted the registration"),
    "registration:accept": _l("%(actor)s accepted the registration"),
    "registration:accept:level": _l("%(actor)s accepted the registration at the level “%(level)s”"),
    "registration:reopen": _l("%(actor)s reopened the registration for changes: %(comment)s"),
    "nomination:save": _l("%(actor)s saved the nomination of %(nominee)s"),
    "nomination:save:unnamed": _l("%(actor)s saved the nomination draft"),
    "attach": _l("%(actor)s attached %(files)s to %(document)s"),
    "detach": _l("%(actor)s removed %(file)s from %(document)s"),
    "nomination:submit": _l("%(actor)s submitted the nomination"),
    "forward": _l("%(actor)s forwarded the nomination to the council"),
    "nomination:approve": _l("%(actor)s closed the vote: approved by the council (%(agree)s agree, "
                             "%(disagree)s disagree, %(abstain)s abstain)"),
    "nomination:reject": _l("%(actor)s closed the vote: not approved by the council (%(agree)s agree, "
                            "%(disagree)s disagree, %(abstain)s abstain)"),
    "award": _l("%(actor)s recorded the award decision No. %(number)s of %(date)s, signed by %(signer)s"),
    "vote": _l("%(actor)s voted: %(choice)s"),
    "campaign_open": _l("%(actor)s opened the campaign to the units"),
    "campaign_start_scoring": _l("%(actor)s started the scoring period"),
    "campaign_close": _l("%(actor)s closed the campaign and locked its results"),
    "campaign:reopen": _l("%(actor)s reopened the campaign: %(reason)s"),
    "campaign_set_current": _l("%(actor)s made this campaign the current one"),
    "campaign_copied": _l("%(actor)s created the campaign %(year)s as a copy of %(from_year)s"),
    "campaign_edited": _l("%(actor)s changed the campaign settings"),
    "reference_import": _l("%(actor)s imported the reference data"),
    "criterion_created": _l("%(actor)s added the criterion"),
    "criterion_edited": _l("%(actor)s changed the criterion"),
    "criterion_removed": _l("%(actor)s removed the criterion %(code)s"),
    "criterion_moved": _l("%(actor)s moved the criterion from position %(old_position)s to %(position)s"),
    "unit_created": _l("%(actor)s added the unit"),
    "unit_edited": _l("%(actor)s changed the unit"),
    "unit_moved": _l("%(actor)s moved the unit from cluster %(old_cluster)s to %(cluster)s"),
    "unit_ended": _l("%(actor)s recorded the unit's last day, %(valid_to)s"),
    "cluster_created": _l("%(actor)s added the cluster"),
    "cluster_edited": _l("%(actor)s changed the cluster"),
    "cluster_reordered": _l("%(actor)s changed the order of the clusters"),
    "award_type_created": _l("%(actor)s added the award type"),
    "award_type_edited": _l("%(actor)s changed the award type"),
    "award_type_removed": _l("%(actor)s removed the award type %(name)s"),
    "award_type_moved": _l("%(actor)s moved the award type from position %(old_position)s to %(position)s"),
    "review_level_created": _l("%(actor)s added the review level %(name)s"),
    "review_level_edited": _l("%(actor)s changed the review level"),
    "review_level_removed": _l("%(actor)s removed the review level %(name)s"),
    "review_level_moved": _l("%(actor)s moved the review level from position %(old_position)s to %(position)s"),
    "publish": _l("%(actor)s published the scoreboard"),
    "unpublish": _l("%(actor)s withdrew the scoreboard from publication"),
    "freeze": _l("%(actor)s froze the scoreboard (%(units)s units, %(incomplete)s not yet fully reviewed)"),
    "unfreeze": _l("%(actor)s unfroze the scoreboard"),
    "reveal": _l("%(actor)s moved the ceremony screen to step %(step)s"),
    "display_link": _l("%(actor)s created the display link %(label)s"),
    "revoke_link": _l("%(actor)s revoked the display link %(label)s"),
    "result_approved": _l("%(actor)s approved the ranking of %(units)s units as the final result and locked it"),
    "result_unlocked": _l("%(actor)s unlocked the final result to correct it, reason: %(reason)s"),
    "create_account": _l("%(actor)s created the account"),
    "update_account": _l("%(actor)s changed the account"),
    "reset_password": _l("%(actor)s reset the account's password"),
    "change_own_password": _l("%(actor)s changed their own password"),
    "end_sessions": _l("%(actor)s ended all sessions of the account (%(sessions)s)"),
    "disable_account": _l("%(actor)s disabled the account"),
    "enable_account": _l("%(actor)s enabled the account"),
}

# What each recorded value is called, in the audit trail's list of changes.
FIELD_LABELS = {
    "self_score": _l("Self-score"),
    "approved_score": _l("Approved score"),
    "explanation": _l("Explanation"),
    "evidence": _l("Evidence"),
    "reason": _l("Reason"),
    "level": _l("Review level"),
    "to_level": _l("Sent back to"),
    "previous_score": _l("Earlier level's figure"),
    "lines": _l("Score lines"),
    "comment": _l("Comment"),
    "award_type": _l("Award type"),
    "nominee": _l("Nominee"),
    "position": _l("Position"),
    "service_years": _l("Years of service"),
    "document": _l("Dossier document"),
    "files": _l("Files"),
    "file": _l("File"),
    "choice": _l("Vote"),
    "agree": _l("Agree"),
    "disagree": _l("Disagree"),
    "abstain": _l("Abstain"),
    "denominator": _l("Counted against"),
    "threshold": _l("Votes needed"),
    "number": _l("Decision number"),
    "date": _l("Decision date"),
    "signer": _l("Signed by"),
    "username": _l("Username"),
    "full_name": _l("Full name"),
    "role": _l("Role"),
    "unit": _l("Unit"),
    "email": _l("E-mail"),
    "other_sessions_ended": _l("Other sessions ended"),
    "sessions": _l("Sessions ended"),
    "active": _l("Active"),
    "year": _l("Year"),
    "from_year": _l("Copied from the year"),
    "current": _l("Current campaign"),
    "name": _l("Name"),
    "theme": _l("Theme"),
    "organization_name": _l("Organization's full name"),
    "organization_place": _l("Place"),
    "registration_deadline": _l("Pledge registration deadline"),
    "reporting_deadline": _l("Reporting deadline"),
    "review_end": _l("End of review"),
    "ceremony_date": _l("Award ceremony"),
    "threshold_excellent": _l("Threshold: excellently completed"),
    "threshold_good": _l("Threshold: well completed"),
    "threshold_completed": _l("Threshold: completed"),
    "tie_break": _l("Tie-break"),
    "scale": _l("Scale"),
    "code": _l("Code"),
    "kind": _l("Kind"),
    "title": _l("Title"),
    "guidance": _l("Guidance"),
    "max_points": _l("Maximum points"),
    "evidence_required": _l("Evidence required"),
    "deadline": _l("Deadline"),
    "parent": _l("Group"),
    "short_name": _l("Short name"),
    "cluster": _l("Cluster"),
    "valid_from": _l("First day"),
    "valid_to": _l("Last day"),
    "successor": _l("Successor"),
    "order": _l("Order"),
    "level": _l("Level"),
    "rule_cluster_rank_max": _l("Rank in the cluster at most"),
    "rule_min_classification": _l("Classification at least"),
    "rule_max_per_cluster": _l("At most per cluster"),
    "rule_min_service_years": _l("Years of service at least"),
    "rule_consecutive_excellent_years": _l("Consecutive excellent years"),
    "vote_threshold_percent": _l("Vote threshold (%)"),
    "vote_denominator": _l("Counted against"),
    "required_documents": _l("Required documents"),
    "published": _l("Published"),
    "units": _l("Units"),
    "incomplete": _l("Not yet fully reviewed"),
    "step": _l("Step"),
    "label": _l("Display name"),
    "award_types": _l("Award types"),
    "clusters": _l("Clusters"),
    "criteria": _l("Criteria"),
    "scope": _l("What the level reviews"),
    "members": _l("Members"),
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
    from portal.models import CampaignState, NominationState, RegistrationState, ScoreState

    for states in (ScoreState, NominationState, RegistrationState, CampaignState):
        try:
            return label(states(value))
        except ValueError:
            continue
    return value


CHAIN_BREAK_LABELS = {
    "link": _l("its link to the previous event does not match"),
    "content": _l("its content was changed"),
    "head": _l("the newest events were removed"),
}


def chain_break_label(reason: str) -> str:
    return str(CHAIN_BREAK_LABELS.get(reason, reason))


def file_kind(content_type: str) -> str:
    return FILE_KINDS.get(content_type, content_type)


KIND_LABELS = {
    "score_line": _l("Score line"),
    "registration": _l("Pledge registration"),
    "nomination": _l("Nomination"),
    "scorecard": _l("Unit's scorecard"),
    "user": _l("Account"),
    "campaign": _l("Campaign"),
    "criterion": _l("Criterion"),
    "unit": _l("Unit"),
    "cluster": _l("Cluster"),
    "award_type": _l("Award type"),
    "scoreboard": _l("Scoreboard"),
    "review_level": _l("Review level"),
    "final_result": _l("Final result"),
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
    "waiting": _l("Waiting for earlier levels"),
    "in_scorecard": _l("Reviewed with the unit's scorecard"),
    "all": _l("All"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


STEP_LABELS = {
    "approve": pgettext("review decision", "Approved"),
    "adjust": pgettext("review decision", "Adjusted"),
    "accept": pgettext("review decision", "Accepted"),
    "return": _l("Returned to the unit"),
    "send_back": _l("Sent back to the previous level"),
}


def step_label(action: str) -> str:
    return str(STEP_LABELS.get(action, action))


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
