"""Layout (#11): a criterion's facts are one partial on the self-scoring page and on its own page, and
follow the evidence; the self-scoring page opens the groups that need the officer, under an index."""
import re
from datetime import timedelta
from decimal import Decimal

from portal.clock import today as local_today
from portal.extensions import db
from portal.models import ScoreState
from tests.helpers import HX, line_of


def _facts(html, line_id):
    """The facts list that holds the line's state badge."""
    match = re.search(r'<ul class="item-facts">(?:(?!</ul>).)*id="line-state-%d"(?:(?!</ul>).)*</ul>' % line_id, html, re.S)
    assert match, "no facts for the line"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def test_the_same_facts_on_the_self_scoring_page_and_the_criterion_page(client, officer, units):
    line = line_of(units[0], "1.1")
    scores = _facts(client.get("/unit/scores").get_data(as_text=True), line.id)
    item = _facts(client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True), line.id)
    assert scores == item
    assert "Điểm tối đa: 8" in item and "Minh chứng: 0" in item and "Dự thảo" in item


def test_an_added_document_updates_the_evidence_fact_out_of_band(client, officer, units):
    line = line_of(units[0], "1.1")
    data = {"doc_number": "125-KH/BTCTU", "doc_date": (local_today() - timedelta(days=5)).isoformat(),
            "doc_issuer": "Ban Tổ chức Tỉnh ủy", "title": "Kế hoạch thi đua năm 2025"}
    html = client.post(f"/unit/score-lines/{line.id}/documents", data=data, headers=HX).get_data(as_text=True)
    fact = re.search(r'<li id="evidence-fact-%d" hx-swap-oob="true">(.*?)</li>' % line.id, html, re.S)
    assert fact and "<strong>1</strong>" in fact.group(1)


def _group_open(html, code):
    head = re.search(r'<details class="card score-group" id="score-group-\d+"( open)?>\s*<summary[^>]*>\s*<h2>'
                     r'<span class="code-tag">%s</span>' % re.escape(code), html)
    assert head, f"no group {code}"
    return bool(head.group(1))


def test_groups_needing_the_officer_are_open_and_the_others_closed(client, officer, units):
    html = client.get("/unit/scores").get_data(as_text=True)
    assert _group_open(html, "1")          # a fresh year: every task group waits for its scores
    assert not _group_open(html, "B")      # bonus claims are optional: closed while empty
    assert not _group_open(html, "D")
    for code in ("1.1", "1.2"):
        line = line_of(units[0], code)
        line.state, line.self_score = ScoreState.SUBMITTED, Decimal(1)
    returned = line_of(units[0], "2.1")
    for code in ("2.2", "2.3"):
        line_of(units[0], code).state = ScoreState.APPROVED
    returned.state, returned.self_score, returned.review_comment = ScoreState.RETURNED, Decimal(1), "Bổ sung"
    db.session.commit()
    html = client.get("/unit/scores").get_data(as_text=True)
    assert not _group_open(html, "1")      # all sent
    assert _group_open(html, "2")          # one returned line
    index = re.search(r'<nav class="card page-index".*?</nav>', html, re.S).group(0)
    assert 'href="#score-group-' in index and "đã gửi hết" in index and "1 tiêu chí" in index
