"""Ranking rules (DESIGN.md §4), table-driven over the real 2025 criteria set."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Classification, Criterion, ScoreLine, ScoreState, TieBreak, Unit
from portal.scoreboard.ranking import compute_standings
from portal.workspace.services import ensure_workspace

# Item codes whose maxima add up to the wanted total (the 2025 set: 1.1=8, 1.2=12, 2.1=10, 2.2=5, 2.3=5, ...)
FULL = {"1.1": 8, "1.2": 12, "2.1": 10, "2.2": 5, "2.3": 5}  # 40 points


def give(unit, scores: dict[str, tuple], campaign):
    """scores: code → (approved score or None, self score, state)."""
    ensure_workspace(unit, campaign)
    for code, (approved, self_score, state) in scores.items():
        line = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
            ScoreLine.unit_id == unit.id, Criterion.code == code)).scalar_one()
        line.approved_score = None if approved is None else Decimal(str(approved))
        line.self_score = Decimal(str(self_score))
        line.state = state
    db.session.flush()


def approved(**codes) -> dict:
    return {code.replace("_", "."): (v, v, ScoreState.APPROVED) for code, v in codes.items()}


@pytest.fixture
def four_units(campaign):
    units = db.session.execute(sa.select(Unit).where(Unit.code.in_(["BH", "LT", "NT", "TB"])).order_by(Unit.code)).scalars().all()
    return {u.code: u for u in units}


CASES = [
    # name, {unit: scores}, expected {unit: (rank, tied)}
    ("plain order", {"BH": approved(**{"1_1": 8}), "LT": approved(**{"1_1": 6}), "NT": approved(**{"1_1": 4}),
                     "TB": approved(**{"1_1": 2})},
     {"BH": (1, False), "LT": (2, False), "NT": (3, False), "TB": (4, False)}),
    ("1, 2, 2, 4", {"BH": approved(**{"1_1": 8}), "LT": approved(**{"1_1": 6}), "NT": approved(**{"1_1": 6}),
                    "TB": approved(**{"1_1": 2})},
     {"BH": (1, False), "LT": (2, True), "NT": (2, True), "TB": (4, False)}),
    ("higher bonus breaks a tie", {"BH": approved(**{"1_1": 5, "B_1": 1}), "LT": approved(**{"1_1": 6}),
                                   "NT": approved(**{"1_1": 2}), "TB": approved(**{"1_1": 1})},
     {"BH": (1, False), "LT": (2, False), "NT": (3, False), "TB": (4, False)}),
    ("fewer deductions break a tie", {"BH": approved(**{"1_1": 8, "D_1": 2}), "LT": approved(**{"1_1": 7, "D_1": 1}),
                                      "NT": approved(**{"1_1": 6}), "TB": approved(**{"1_1": 6})},
     {"NT": (1, True), "TB": (1, True), "LT": (3, False), "BH": (4, False)}),
    ("only approved scores count", {"BH": {"1.1": (None, 8, ScoreState.SUBMITTED)}, "LT": approved(**{"1_1": 1}),
                                    "NT": {"1.1": (None, 8, ScoreState.RETURNED)}, "TB": {}},
     {"LT": (1, False), "BH": (2, True), "NT": (2, True), "TB": (2, True)}),
]


@pytest.mark.parametrize("name,scores,expected", CASES, ids=[c[0] for c in CASES])
def test_ranks(app, campaign, four_units, name, scores, expected):
    for code, unit_scores in scores.items():
        give(four_units[code], unit_scores, campaign)
    standings = {s.unit.code: s for s in compute_standings(campaign).units}
    # The data set's other units score 0; ranks are checked among these four, ties too.
    assert {code: (standings[code].rank, _tied_among(standings, code, expected, campaign))
            for code in expected} == expected


def _tied_among(standings, code, group, campaign):
    key = standings[code].tie_key(campaign.tie_break)
    return sum(1 for other in group if standings[other].tie_key(campaign.tie_break) == key) > 1


def test_caps_and_totals(app, campaign, four_units):
    unit = four_units["BH"]
    give(unit, {**approved(**FULL), "B.1": (3, 3, ScoreState.APPROVED), "B.2": (2, 2, ScoreState.APPROVED),
                "D.1": (5, 5, ScoreState.APPROVED), "D.2": (5, 5, ScoreState.APPROVED)}, campaign)
    bonus_group = db.session.execute(sa.select(Criterion).where(Criterion.code == "B")).scalar_one()
    bonus_group.max_points = Decimal(4)  # a lower cap than the items' sum
    db.session.flush()
    standing = next(s for s in compute_standings(campaign).units if s.unit.code == "BH")
    assert standing.bonus == 4 and standing.deductions == 10
    assert standing.total == Decimal(40) + 4 - 10
    assert [g.approved for g in standing.groups] == [20, 20, 0, 0, 0, 0]


def test_provisional_is_beside_never_in_the_rank(app, campaign, four_units):
    give(four_units["BH"], {"1.1": (None, 8, ScoreState.SUBMITTED), "1.2": (10, 12, ScoreState.APPROVED)}, campaign)
    standing = next(s for s in compute_standings(campaign).units if s.unit.code == "BH")
    assert standing.total == 10 and standing.provisional == 20
    assert (standing.approved_items, standing.submitted_items, standing.total_items) == (1, 2, 22)


@pytest.mark.parametrize("total,expected", [
    (90, Classification.EXCELLENT), (89.75, Classification.GOOD), (70, Classification.GOOD),
    (69.75, Classification.COMPLETED), (50, Classification.COMPLETED), (49.75, Classification.NOT_COMPLETED),
])
def test_classification_thresholds(app, campaign, total, expected):
    assert campaign.classify(Decimal(str(total))) is expected


def test_per_cluster_ranks(app, campaign, four_units):
    give(four_units["BH"], approved(**{"1_1": 3}), campaign)   # cluster 1
    give(four_units["LT"], approved(**{"1_1": 5}), campaign)   # cluster 1
    standings = compute_standings(campaign)
    cluster = four_units["BH"].cluster_id
    leaders = [s.unit.code for s in standings.clusters[cluster][:2]]
    assert leaders == ["LT", "BH"]
    assert standings.clusters[cluster][0].cluster_rank == 1


def test_ended_units_are_marked_and_the_board_is_not_ranked(app, campaign, four_units):
    four_units["TB"].valid_to = date(2025, 6, 30)
    db.session.flush()
    standings = compute_standings(campaign, as_of=date(2025, 12, 1))
    codes = {s.unit.code: s for s in standings.units}
    assert codes["TB"].ended and not codes["BH"].ended
    assert "BTC-TU" not in codes


def test_a_fixed_number_of_queries(app, campaign, four_units):
    for unit in four_units.values():
        give(unit, approved(**FULL), campaign)
    statements = []
    listener = lambda *args: statements.append(args[2])
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        compute_standings(campaign)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 3


def test_tie_break_none_shares_the_rank(app, campaign, four_units):
    campaign.tie_break = TieBreak.NONE
    give(four_units["BH"], approved(**{"1_1": 5, "B_1": 1}), campaign)
    give(four_units["LT"], approved(**{"1_1": 6}), campaign)
    standings = {s.unit.code: s for s in compute_standings(campaign).units}
    assert standings["BH"].rank == standings["LT"].rank == 1 and standings["BH"].tied
