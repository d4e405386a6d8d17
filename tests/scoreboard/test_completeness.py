"""Issue #9 A4: a unit is classified only when its scorecard is fully reviewed."""
import io

import pytest
from openpyxl import load_workbook

from portal.ceremony import services as ceremony
from portal.ceremony.stages import reveal_stages
from portal.extensions import db
from portal.models import Role, ScoreboardState, ScoreState
from portal.scoreboard.ranking import compute_standings
from portal.scoreboard.services import read_state
from tests import factories
from tests.scoreboard.helpers import set_lines, unit

APPROVED, SUBMITTED, RETURNED, DRAFT = ScoreState.APPROVED, ScoreState.SUBMITTED, ScoreState.RETURNED, ScoreState.DRAFT

CASES = [
    # name, lines of the unit (code → (approved, state)), every other scored item, complete?
    ("every scored item approved", {}, APPROVED, True),
    ("one item still submitted", {"1.1": (None, SUBMITTED)}, APPROVED, False),
    ("one item returned", {"1.1": (None, RETURNED)}, APPROVED, False),
    ("one item still a draft", {"1.1": (None, DRAFT)}, APPROVED, False),
    ("nothing reviewed (0 of 22)", {}, DRAFT, False),
    ("no scorecard at all", None, None, False),
    ("a bonus claim waiting for review", {"B.1": (None, SUBMITTED)}, APPROVED, False),
    ("a deduction waiting for review", {"D.1": (None, SUBMITTED)}, APPROVED, False),
    ("an unclaimed bonus (draft) counts nothing", {"B.1": (None, DRAFT)}, APPROVED, True),
    ("a returned bonus claim counts nothing", {"B.1": (None, RETURNED)}, APPROVED, True),
    ("approved bonus and deduction", {"B.1": (1, APPROVED), "D.1": (1, APPROVED)}, APPROVED, True),
]


@pytest.mark.parametrize("name,lines,others,complete", CASES, ids=[c[0] for c in CASES])
def test_a_unit_is_classifiable_only_when_fully_reviewed(campaign, name, lines, others, complete):
    if lines is not None:
        set_lines(unit("BH"), campaign, lines, everything_else=others)
    standing = next(s for s in compute_standings(campaign).units if s.unit.code == "BH")
    assert standing.complete is complete
    assert standing.total_items == 22  # the scorecard's size, whatever lines exist


@pytest.fixture
def three_unreviewed(campaign):
    """Three units with 0 of 22 items reviewed; Biên Hòa fully reviewed."""
    set_lines(unit("BH"), campaign, {"1.1": (8, APPROVED)}, everything_else=APPROVED)
    for code in ("LK", "LT", "NT"):
        set_lines(unit(code), campaign, {}, everything_else=SUBMITTED)
    return [unit(code) for code in ("LK", "LT", "NT")]


def row_of(body: str, unit_id: int) -> str:
    return body.split(f'data-unit="{unit_id}"')[1].split("</tr>")[0]


def test_unreviewed_units_are_not_labelled_not_completed(client, login_as, three_unreviewed):
    login_as(Role.REVIEWER)
    body = client.get("/scoreboard/").get_data(as_text=True)
    for target in three_unreviewed:
        row = row_of(body, target.id)
        assert "chưa đủ điều kiện xếp loại" in row and "Không hoàn thành nhiệm vụ" not in row
        assert "đã thẩm định 0/22" in row  # the progress beside it
        assert 'class="rank-provisional"' in row
    reviewed = row_of(body, unit("BH").id)
    assert "chưa đủ điều kiện" not in reviewed and "rank-provisional" not in reviewed


def test_the_export_marks_unreviewed_units(client, login_as, three_unreviewed):
    login_as(Role.REVIEWER)
    sheet = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets[0]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for target in three_unreviewed:
        assert rows[target.name][6] == "chưa đủ điều kiện xếp loại" and rows[target.name][2] == "có"
    assert rows[unit("BH").name][6] != "chưa đủ điều kiện xếp loại" and rows[unit("BH").name][2] is None


def test_freezing_and_revealing_warn_with_the_list_of_incomplete_units(client, login_as, three_unreviewed):
    login_as(Role.ADMIN)
    control = client.get("/scoreboard/control").get_data(as_text=True)
    warning = control.split('id="incomplete-units"')[1].split("</div>")[0]
    assert all(u.short_name in warning for u in three_unreviewed) and unit("BH").short_name not in warning
    frozen = client.post("/scoreboard/control/freeze", follow_redirects=True).get_data(as_text=True)
    assert "flash--warning" in frozen
    flash = frozen.split("flash--warning")[1].split("</p>")[0]
    assert all(u.short_name in flash for u in three_unreviewed)
    revealed = client.post("/scoreboard/control/reveal/next", follow_redirects=True).get_data(as_text=True)
    assert all(u.short_name in revealed.split("flash--warning")[1].split("</p>")[0] for u in three_unreviewed)


def test_the_frozen_standings_keep_the_flag_and_the_ceremony_never_classifies_an_incomplete_unit(
        client, campaign, three_unreviewed):
    admin = factories.gen_user(role=Role.ADMIN)
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    ceremony.freeze(campaign, admin)
    db.session.commit()
    rows = read_state(campaign).frozen_standings
    flags = {r["unit_id"]: (r["complete"], r["classification"]) for r in rows}
    assert all(flags[u.id] == (False, None) for u in three_unreviewed)
    assert flags[unit("BH").id][0] is True
    ceremony.step_reveal(campaign, admin, len(rows))  # every rank revealed
    db.session.commit()
    screen = client.get(f"/display/{token}").get_data(as_text=True)
    for target in three_unreviewed:
        item = screen.split(f'data-unit="{target.id}"')[1].split("</li>")[0]
        assert "chưa đủ điều kiện xếp loại" in item and "Không hoàn thành" not in item
        assert "board__provisional" in item


def test_standings_frozen_before_the_flag_still_render(client, login_as, campaign, three_unreviewed):
    admin = factories.gen_user(role=Role.ADMIN)
    ceremony.set_published(campaign, admin, True)
    ceremony.freeze(campaign, admin)
    db.session.commit()
    state = db.session.get(ScoreboardState, campaign.id)
    old_rows = []
    for row in state.frozen_standings:  # as a freeze wrote them before the flag existed
        row = {k: v for k, v in row.items() if k != "complete"}
        row["classification"] = row["classification"] or "not_completed"
        old_rows.append(row)
    state.frozen_standings = old_rows
    ceremony.step_reveal(campaign, admin, reveal_stages(old_rows))
    db.session.commit()
    login_as(Role.COUNCIL)
    body = client.get("/scoreboard/").get_data(as_text=True)
    assert "chưa đủ điều kiện xếp loại" in row_of(body, three_unreviewed[0].id)  # 0 of 22 approved: derived
    assert client.get("/scoreboard/export.xlsx").status_code == 200
