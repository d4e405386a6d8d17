"""Issue #9 A1: the scoreboard is served in the viewer's language, whoever rendered it first."""
import gzip
import io

import pytest
from openpyxl import load_workbook

from portal import live
from portal.models import Role, ScoreState
from tests.scoreboard.helpers import set_lines, unit

WORDS = {
    "vi": {"headers": ("<th scope=\"col\" class=\"num\">Hạng</th>", "Tổng điểm"), "points": "7,5",
           "class": "Không hoàn thành nhiệm vụ", "xlsx": "Hạng"},
    "en": {"headers": ("<th scope=\"col\" class=\"num\">Rank</th>", "Total"), "points": "7.5",
           "class": "Did not fulfil duties", "xlsx": "Rank"},
}


@pytest.fixture
def scored(campaign):
    """Biên Hòa: 7.5 on item 1.1 and every other scored item approved (classified, total 7.5)."""
    set_lines(unit("BH"), campaign, {"1.1": (7.5, ScoreState.APPROVED)}, everything_else=ScoreState.APPROVED)


def speak(client, lang):
    with client.session_transaction() as session:
        session["lang"] = lang


def assert_language(body: str, lang: str) -> None:
    words, other = WORDS[lang], WORDS["en" if lang == "vi" else "vi"]
    for header in words["headers"]:
        assert header in body
    assert other["headers"][0] not in body
    row = body.split(f'data-unit="{unit("BH").id}"')[1].split("</tr>")[0]
    assert f'<td class="num total-cell">{words["points"]}</td>' in row  # the decimal comma in Vietnamese
    assert words["class"] in row and other["class"] not in row


@pytest.mark.parametrize("path", ["page", "poll", "poll-gzip"])
def test_the_scoreboard_is_rendered_in_each_viewers_language(client, login_as, scored, path):
    login_as(Role.REVIEWER)
    version = live.current(live.SCOREBOARD)
    for lang in ("vi", "en", "vi"):  # each language after the other has filled the cache
        speak(client, lang)
        if path == "page":
            body = client.get("/scoreboard/").get_data(as_text=True)
        elif path == "poll":
            body = client.get(f"/scoreboard/table?v={version - 1}").get_data(as_text=True)
        else:
            response = client.get(f"/scoreboard/table?v={version - 1}", headers={"Accept-Encoding": "gzip"})
            body = gzip.decompress(response.data).decode()
        assert_language(body, lang)


def test_the_export_is_labelled_in_the_viewers_language(client, login_as, scored):
    login_as(Role.REVIEWER)
    for lang in ("vi", "en", "vi"):
        speak(client, lang)
        sheet = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets[0]
        assert sheet["A1"].value == WORDS[lang]["xlsx"]
        row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == unit("BH").name)
        assert row[6] == WORDS[lang]["class"]
