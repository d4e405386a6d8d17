"""Issue #12 on the scoreboard: in a review chain of several levels a column says how far each
unit's scorecard has come; nothing reaches the official total, nor a classification, before the
last level; the provisional total is the unit's own scoring whatever the chain."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal import live
from portal.ceremony import services as ceremony
from portal.extensions import db
from portal.models import Role
from portal import chain
from portal.review import services as review
from portal.scoreboard.ranking import compute_standings
from portal.scoreboard.services import read_state, standings_rows
from tests import factories
from tests.chain_helpers import BOARD, SPECIALISTS, scored_lines, submit_all, three_levels
from tests.helpers import fresh, line_of
from tests.scoreboard.helpers import unit


@pytest.fixture
def people(campaign):
    return three_levels(campaign)


@pytest.fixture
def bien_hoa(campaign, people):
    """Biên Hòa's officer has submitted every scored item (half of each maximum): (unit, Σ self scores)."""
    bh = unit("BH")
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=bh)
    db.session.commit()
    from portal.workspace.services import ensure_workspace

    ensure_workspace(bh, campaign)
    db.session.commit()
    return bh, submit_all(bh, officer)


def standing_of(campaign, target):
    db.session.expire_all()
    chain.forget()
    return next(s for s in compute_standings(campaign).units if s.unit.id == target.id)


def row_of(campaign, target):
    db.session.expire_all()
    chain.forget()
    return next(r for r in standings_rows(campaign) if r["unit_id"] == target.id)


def approve_at_first_level(lines, specialist):
    for line in lines:
        review.approve_score(fresh(line), specialist)
        db.session.commit()


def test_nothing_counts_nor_classifies_before_the_last_level(campaign, people, bien_hoa):
    specialist, leader, _chair = people
    bh, self_total = bien_hoa
    lines = scored_lines(bh)
    total = len(lines)

    def check(stage, passed, level):
        standing, row = standing_of(campaign, bh), row_of(campaign, bh)
        assert standing.provisional == self_total  # the unit's own scoring, whatever the chain did
        assert standing.total == 0 and not standing.complete and row["classification"] is None
        assert row["chain"] == {"stage": stage, "position": level, "level": SPECIALISTS if level == 1 else BOARD,
                                "passed": passed, "total": total}

    check("items", 0, 1)
    approve_at_first_level(lines[:5], specialist)
    check("items", 5, 1)
    approve_at_first_level(lines[5:], specialist)  # every line now waits for the board's sign-off
    check("scorecard", 0, 2)
    assert chain.scorecard_for(campaign.id, bh.id).state.value == "submitted"

    adjusted = lines[0]
    review.adjust_score(fresh(adjusted), leader, "0.25", "Thiếu văn bản chứng minh")
    db.session.commit()
    check("scorecard", 0, 2)  # an adjustment at the scorecard level counts only once signed off
    review.sign_off_scorecard(chain.scorecard_for(campaign.id, bh.id), leader)
    db.session.commit()

    standing, row = standing_of(campaign, bh), row_of(campaign, bh)
    halves = [(line.criterion.max_points / 2).quantize(Decimal("0.25")) for line in lines]
    assert standing.total == sum(halves[1:], Decimal("0.25"))
    assert standing.provisional == self_total
    assert standing.complete and row["classification"] is not None
    assert row["chain"]["stage"] == "done"


def test_a_line_sent_back_or_returned_moves_the_unit_back(campaign, people, bien_hoa):
    specialist, leader, _chair = people
    bh, _total = bien_hoa
    lines = scored_lines(bh)
    approve_at_first_level(lines, specialist)
    review.send_back(fresh(lines[1]), leader, "Xem lại điểm mục này")
    db.session.commit()
    assert row_of(campaign, bh)["chain"]["stage"] == "items"
    assert row_of(campaign, bh)["chain"]["passed"] == len(lines) - 1
    review.return_item(fresh(lines[1]), specialist, "Bổ sung văn bản")
    db.session.commit()
    row = row_of(campaign, bh)
    assert (row["chain"]["stage"], row["chain"]["passed"]) == ("items", len(lines) - 1)
    assert row["total"] == "0" or Decimal(row["total"]) == 0


def test_one_level_has_no_column_and_counts_as_before(campaign, units, officers, client, login_as):
    bh = units[0]
    line = line_of(bh, "1.1")
    from tests.helpers import submit

    submit(line, officers[0], score="2")
    reviewer = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    review.approve_score(fresh(line), reviewer)
    db.session.commit()
    assert row_of(campaign, bh)["chain"] is None
    assert standing_of(campaign, bh).total == 2
    login_as(Role.REVIEWER)
    body = client.get("/scoreboard/").get_data(as_text=True)
    assert "Tiến độ duyệt" not in body and "chain-stage" not in body


def speak(client, lang):
    with client.session_transaction() as session:
        session["lang"] = lang


WORDS = {"vi": {"header": "Tiến độ duyệt", "items": f"{SPECIALISTS}: %d/%d mục",
                "scorecard": f"Chờ {BOARD} ký duyệt", "done": "Đã duyệt đủ các cấp"},
         "en": {"header": "Review progress", "items": f"{SPECIALISTS}: %d/%d items",
                "scorecard": f"Waiting for sign-off by {BOARD}", "done": "Approved at every level"}}


def cell(body, target):
    row = body.split(f'data-unit="{target.id}"')[1].split("</tr>")[0]
    return row.split('<td class="chain-stage')[1].split("</td>")[0].split(">", 1)[1]


def test_the_column_follows_every_move_in_each_language(client, login_as, campaign, people, bien_hoa):
    """The rendered tables are cached per version and language: after each move of the chain the
    poll serves the new stage, in Vietnamese and in English, each after the other."""
    specialist, leader, _chair = people
    bh, _total = bien_hoa
    lines = scored_lines(bh)
    login_as(Role.REVIEWER)

    def seen(expected: str, passed: int = 0):
        version = live.current(live.SCOREBOARD)
        for lang in ("vi", "en", "vi"):
            speak(client, lang)
            words = WORDS[lang]
            text = words[expected] % (passed, len(lines)) if expected == "items" else words[expected]
            page = client.get("/scoreboard/").get_data(as_text=True)
            poll = client.get(f"/scoreboard/table?v={version - 1}").get_data(as_text=True)
            for body in (page, poll):
                assert f'<th scope="col">{words["header"]}</th>' in body
                assert cell(body, bh) == text
            assert client.get(f"/scoreboard/table?v={version}").status_code == 204
        return version

    before = seen("items", 0)
    approve_at_first_level(lines[:1], specialist)
    assert seen("items", 1) > before
    approve_at_first_level(lines[1:], specialist)
    seen("scorecard")
    review.sign_off_scorecard(chain.scorecard_for(campaign.id, bh.id), leader)
    db.session.commit()
    seen("done")
    # a unit that submitted nothing stands at the first level with nothing passed
    speak(client, "vi")
    assert cell(client.get("/scoreboard/").get_data(as_text=True), unit("LK")) == f"{SPECIALISTS}: 0/{len(lines)} mục"


def test_the_export_has_the_column_with_a_chain(client, login_as, campaign, people, bien_hoa):
    specialist, _leader, _chair = people
    bh, _total = bien_hoa
    approve_at_first_level(scored_lines(bh)[:3], specialist)
    login_as(Role.REVIEWER)
    for lang in ("vi", "en", "vi"):
        speak(client, lang)
        sheet = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets[0]
        header = [c.value for c in sheet[1]]
        assert header[-1] == WORDS[lang]["header"]
        row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == bh.name)
        assert row[-1] == WORDS[lang]["items"] % (3, len(scored_lines(bh)))
        assert row[2] is not None  # provisional rank: not fully reviewed


def test_the_export_of_a_one_level_chain_is_unchanged(client, login_as, campaign):
    login_as(Role.REVIEWER)
    sheet = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "Tiến độ duyệt" not in header and "Review progress" not in header


def test_the_ceremony_never_classifies_a_unit_waiting_at_a_later_level(client, campaign, people, bien_hoa):
    """Every line of Biên Hòa passed the specialists and waits for the board: not classified on the
    ceremony screen (its rank carries the star), though every line has a figure."""
    specialist, _leader, _chair = people
    bh, _total = bien_hoa
    approve_at_first_level(scored_lines(bh), specialist)
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    ceremony.freeze(campaign, admin)
    db.session.commit()
    frozen = next(r for r in read_state(campaign).frozen_standings if r["unit_id"] == bh.id)
    assert frozen["complete"] is False and frozen["classification"] is None
    assert frozen["chain"]["stage"] == "scorecard"
    units = len(read_state(campaign).frozen_standings)
    ceremony.step_reveal(campaign, admin, units)
    db.session.commit()
    screen = client.get(f"/display/{token}").get_data(as_text=True)
    row = screen.split(f'data-unit="{bh.id}"')[1].split("</li>")[0]
    assert "Hoàn thành" not in row and "Xuất sắc" not in row
    ceremony.step_reveal(campaign, admin, 1)  # Cụm thi đua số 1's leader (every unit is still incomplete)
    db.session.commit()
    leaders = client.get(f"/display/{token}").get_data(as_text=True)
    assert "chưa đủ điều kiện xếp loại" in leaders and "Không hoàn thành" not in leaders
