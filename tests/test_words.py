"""Words: hints that follow the field's range, numbers in each language's format, the classifications'
English names, a unit never shown with a bare level, and the scoreboard's spreadsheet headers."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from flask import session
from openpyxl import load_workbook

from portal.extensions import db
from portal.labels import label
from portal.models import Classification, Criterion, Role
from portal.scoring import parse_score, score_examples
from tests.helpers import award
from tests.nominations.test_cycle import start


@pytest.mark.parametrize("maximum,examples", [
    ("4", ["2", "2.25", "2.5", "2.75"]), ("20", ["10", "10.25", "10.5", "10.75"]), ("0.5", ["0", "0.25", "0.5"]),
    ("1", ["0", "0.25", "0.5", "0.75"]), ("0", ["0"]), ("0.25", ["0", "0.25"])])
def test_score_examples_stay_within_the_maximum(maximum, examples):
    found = score_examples(Decimal(maximum))
    assert [format(e.normalize(), "f") for e in found] == examples
    assert all(0 <= e <= Decimal(maximum) for e in found)


def _messages(app, lang: str, maximum: str) -> list[str]:
    criterion = Criterion(code="9.9", title="x", max_points=Decimal(maximum))
    with app.test_request_context("/"):
        session["lang"] = lang
        return [parse_score(raw, criterion)[1] for raw in ("abc", "1,1")]


def test_the_score_hint_follows_the_criterions_maximum_in_vietnamese(app):
    not_a_number, off_step = _messages(app, "vi", "4")
    assert not_a_number == "Nhập điểm từ 0 đến 4, ví dụ 2,75."
    assert off_step == "Điểm chấm theo bước 0,25, ví dụ 2; 2,25; 2,5 hoặc 2,75."
    assert "7," not in not_a_number + off_step and "7;" not in off_step


def test_the_score_hint_is_in_the_english_number_format(app):
    not_a_number, off_step = _messages(app, "en", "4")
    assert not_a_number == "Enter a score from 0 to 4, for example 2.75."
    assert off_step == "Scores go in steps of 0.25, for example 2; 2.25; 2.5 or 2.75."


@pytest.mark.parametrize("lang,example", [("vi", "12,5"), ("en", "12.5")])
def test_a_number_field_gives_its_example_in_the_language(client, login_as, units, lang, example):
    """One message for a text in a number field — never the range message after it."""
    from tests.workspace.test_pledges import commitment_of, post_pledge

    login_as(Role.UNIT_OFFICER, units[0])
    with client.session_transaction() as s:
        s["lang"] = lang
    c = commitment_of(units[0], "1.1")
    page = post_pledge(client, c, value="mười").get_data(as_text=True)
    errors = page.split('class="field__error"')[2].split("</p>")[0]
    assert errors.count(example) == 1 and errors.count(".") + errors.count(",") <= 3, errors


def test_the_classifications_have_their_standard_english_names(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        names = [label(c) for c in Classification]
    assert names == ["Excellently fulfilled duties", "Well fulfilled duties", "Fulfilled duties",
                     "Did not fulfil duties"]


def test_a_nomination_names_its_units_cluster_and_the_awards_level_in_words(client, login_as, campaign, units):
    """ "BAN TỔ CHỨC THÀNH ỦY BIÊN HÒA · TỈNH" read as if the unit were "Tỉnh"."""
    login_as(Role.UNIT_OFFICER, units[0])
    n = start(client, "BK-BTVTU-TT")
    page = client.get(f"/nominations/{n.id}").get_data(as_text=True)
    eyebrow = page.split('class="eyebrow">')[1].split("</p>")[0]
    assert eyebrow == f"{units[0].name} · {units[0].cluster.name} · Khen thưởng cấp Tỉnh"
    assert not eyebrow.endswith("· Tỉnh")


def test_the_user_box_names_the_unit_never_a_bare_level(client, login_as, units):
    login_as(Role.UNIT_OFFICER, units[0])
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    # The short name keeps the header on one line; the full name is its tooltip.
    assert f'Cán bộ đơn vị · <span title="{units[0].name}">{units[0].short_name}</span></span>' in page


def test_the_award_list_column_is_the_award_decision(client, login_as, campaign):
    login_as(Role.ADMIN)
    page = client.get("/nominations/award-list").get_data(as_text=True)
    assert "Kết luận thẩm định" not in page


def test_the_scoreboards_spreadsheet_headers_are_readable(client, login_as, campaign):
    login_as(Role.REVIEWER)
    for lang, words in (("vi", "(tối đa "), ("en", "(max. ")):
        with client.session_transaction() as s:
            s["lang"] = lang
        sheet = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        groups = [h for h in headers if h and words in h]
        assert len(groups) == 6 and not any("(/" in h or ".00" in h for h in headers), headers
        group = db.session.execute(db.select(Criterion).where(Criterion.code == "1")).scalar_one()
        assert groups[0].startswith(f"1. {group.title} {words}")


def test_the_queue_and_the_unit_name_each_state_alike(app):
    """A reviewer's queue and an officer's workspace use one word for one state (a nomination's
    "approved" is the council's, never in the reviewers' queue)."""
    from portal.labels import QUEUE_STATE_LABELS, queue_state_label
    from portal.models import NominationState, RegistrationState, ScoreState

    with app.test_request_context("/"):
        for state in QUEUE_STATE_LABELS:
            same = [label(enum(state)) for enum in (ScoreState, RegistrationState, NominationState)
                    if state in {s.value for s in enum} and not (enum is NominationState and state == "approved")]
            assert all(queue_state_label(state) == word for word in same), (state, same)
