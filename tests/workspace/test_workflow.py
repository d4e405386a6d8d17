"""The allowed-transition tables, exhaustively: every state × every action × who."""
import pytest

from portal import workflow
from portal.access import Denied
from portal.extensions import db
from portal.models import (AwardType, Nomination, NominationState, QueueItem, Registration, RegistrationState, Role,
                           Scorecard, ScorecardState, ScoreLine, ScoreState)
from portal.workflow import TRANSITIONS, WorkflowError
from tests import factories
from tests.helpers import commitment_of, line_of

R, S, N, C = RegistrationState, ScoreState, NominationState, ScorecardState
# The default target; in a chain of several levels an approval before the last keeps the item
# submitted at the next level (tests/review/test_chain.py).
EXPECTED = {
    (Registration, "submit"): ({R.DRAFT, R.RETURNED}, R.SUBMITTED, Role.UNIT_OFFICER),
    (Registration, "accept"): ({R.SUBMITTED}, R.ACCEPTED, Role.REVIEWER),
    (Registration, "return"): ({R.SUBMITTED}, R.RETURNED, Role.REVIEWER),
    (Registration, "reopen"): ({R.ACCEPTED}, R.RETURNED, Role.REVIEWER),
    (Registration, "send_back"): ({R.SUBMITTED}, R.SUBMITTED, Role.REVIEWER),
    (ScoreLine, "submit"): ({S.DRAFT, S.RETURNED}, S.SUBMITTED, Role.UNIT_OFFICER),
    (ScoreLine, "approve"): ({S.SUBMITTED}, S.APPROVED, Role.REVIEWER),
    (ScoreLine, "adjust"): ({S.SUBMITTED}, S.APPROVED, Role.REVIEWER),
    (ScoreLine, "return"): ({S.SUBMITTED}, S.RETURNED, Role.REVIEWER),
    (ScoreLine, "send_back"): ({S.SUBMITTED}, S.SUBMITTED, Role.REVIEWER),
    (Scorecard, "approve"): ({C.SUBMITTED}, C.APPROVED, Role.REVIEWER),
    (Nomination, "submit"): ({N.DRAFT, N.RETURNED}, N.SUBMITTED, Role.UNIT_OFFICER),
    (Nomination, "return"): ({N.SUBMITTED}, N.RETURNED, Role.REVIEWER),
    (Nomination, "forward"): ({N.SUBMITTED}, N.FORWARDED, Role.REVIEWER),
    (Nomination, "approve"): ({N.FORWARDED}, N.APPROVED, Role.ADMIN),
    (Nomination, "reject"): ({N.FORWARDED}, N.REJECTED, Role.ADMIN),
    (Nomination, "award"): ({N.APPROVED}, N.AWARDED, Role.ADMIN),
}
STATES = {Registration: R, ScoreLine: S, Nomination: N, Scorecard: C}
CASES = [
    (model, action, state)
    for (model, action) in EXPECTED
    for state in STATES[model]
]


def test_the_table_is_what_the_design_says():
    assert {(m, a) for m in TRANSITIONS for a in TRANSITIONS[m]} == set(EXPECTED)


def subject(model, unit, state):
    """A real registration or score line of ``unit``, put in ``state``."""
    if model is Nomination:
        award = db.session.execute(db.select(AwardType)).scalars().first()
        obj = Nomination(campaign_id=award.campaign_id, unit_id=unit.id, award_type=award,
                         created_by_id=factories.gen_user().id)
        db.session.add(obj)
    elif model is Scorecard:
        campaign_id = line_of(unit, "3.3").campaign_id
        obj = db.session.execute(db.select(Scorecard).filter_by(campaign_id=campaign_id, unit_id=unit.id)).scalar()
        if obj is None:
            obj = Scorecard(campaign_id=campaign_id, unit_id=unit.id)
            db.session.add(obj)
    else:
        obj = commitment_of(unit, "1.1").registration if model is Registration else line_of(unit, "3.3")
    obj.state = state
    db.session.flush()
    return obj


@pytest.mark.parametrize("model,action,state", CASES, ids=[f"{m.__name__}-{a}-{s.value}" for m, a, s in CASES])
def test_transition(app, units, model, action, state):
    sources, target, role = EXPECTED[(model, action)]
    user = factories.gen_user(role=role, unit=units[0])
    obj = subject(model, units[0], state)
    if state in sources:
        event = workflow.apply(obj, action, user)
        assert obj.state is target
        assert (event.from_state, event.to_state, event.actor_id) == (state.value, target.value, user.id)
        item = db.session.execute(db.select(QueueItem).where(QueueItem.subject_id == obj.id,
                                                             QueueItem.subject_type == workflow.subject_type(obj))).scalar_one()
        assert item.state == target.value and item.unit_id == units[0].id
    else:
        with pytest.raises(WorkflowError):
            workflow.apply(obj, action, user)
        assert obj.state is state


@pytest.mark.parametrize("model,action", list(EXPECTED), ids=[f"{m.__name__}-{a}" for m, a in EXPECTED])
def test_only_the_right_role_may(app, units, model, action):
    sources, _target, allowed_role = EXPECTED[(model, action)]
    for role in Role:
        user = factories.gen_user(role=role, unit=units[0])
        obj = subject(model, units[0], next(iter(sources)))
        allowed = role is allowed_role or (allowed_role is Role.REVIEWER and role is Role.ADMIN)
        if allowed:
            workflow.apply(obj, action, user)
        else:
            with pytest.raises(Denied):
                workflow.apply(obj, action, user)


def test_an_officer_cannot_move_another_units_item(app, units):
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0])
    line = subject(ScoreLine, units[1], S.DRAFT)
    with pytest.raises(Denied) as raised:
        workflow.apply(line, "submit", officer)
    assert raised.value.status == 404 and line.state is S.DRAFT
