"""The item history and the audit trail read as sentences, with labels and formatted values — never
raw keys ("approved_score"), raw states ("returned → submitted") or bare ids ("Điểm tiêu chí #18")."""
from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts import services as accounts
from portal.audit.services import append
from portal.campaign.services import set_current
from portal.ceremony import services as ceremony
from portal.comments.services import add_comment
from portal.criteria.services import move_criterion
from portal.extensions import db
from portal.models import AuditEvent, AwardType, Cluster, Criterion, Role
from portal.orgs.services import move_cluster
from portal.review import services as review
from portal.workspace.services import save_score_line
from tests import factories
from tests.helpers import line_of, submit

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b(?!\.[a-z])")  # not a file name (award_types.csv)


def _text(page: str) -> str:
    """The visible text of a page's main part (no tags, attributes, scripts)."""
    main = page.split("<main", 1)[-1]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def story(units, officers, campaign):
    """A score line with a rich history: drafts, a submission, a return, a resubmission, an adjustment."""
    unit = units[0]
    officer = officers[0]
    officer.full_name = "Hoàng Thị Biên"
    reviewer = factories.gen_user(role=Role.REVIEWER, full_name="Nguyễn Văn An")
    line = line_of(unit, "1.1")
    today = clock.today()
    save_score_line(line, officer, "2,25", "Bản đầu", line.version, today)
    db.session.commit()
    save_score_line(line, officer, "2,5", "Bản đầu", line.version, today)
    db.session.commit()
    submit(line, officer, score="3.75")
    review.return_item(line, reviewer, "Bổ sung biên bản hội nghị")
    db.session.commit()
    submit(line, officer, score="3.75", evidence=False)
    review.adjust_score(line, reviewer, "3,5", "Thiếu một minh chứng")
    add_comment(line, officer, "Đơn vị xin tiếp thu")
    db.session.commit()
    return line, officer, reviewer


def _history(html: str) -> str:
    return " ".join(_text(html.split('id="history"', 1)[1].split("</ol>", 1)[0]).split())


def test_item_history_reads_as_sentences_in_vietnamese(client, login_as, story):
    line, officer, _reviewer = story
    client.post("/logout")
    client.post("/login", data={"username": officer.username, "password": factories.PASSWORD})
    history = _history(client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True))
    assert "Hoàng Thị Biên lưu dự thảo, điểm tự chấm 2,25" in history
    assert "Hoàng Thị Biên lưu dự thảo, điểm tự chấm 2,25 → 2,5" in history
    assert "Hoàng Thị Biên gửi thẩm định, điểm tự chấm 3,75" in history
    assert "Nguyễn Văn An trả lại để bổ sung: «Bổ sung biên bản hội nghị»" in history
    assert "Nguyễn Văn An phê duyệt 3,5 điểm (tự chấm 3,75): «Thiếu một minh chứng»" in history
    assert "Hoàng Thị Biên góp ý: «Đơn vị xin tiếp thu»" in history
    assert "3.75" not in history and "2.50" not in history and "→ Đã gửi" not in history


def test_reviewer_sees_the_same_sentences_in_english(client, login_as, story):
    line, _officer, _reviewer = story
    login_as(Role.REVIEWER)
    client.post("/language/en")
    history = _history(client.get(f"/review/items/score_line/{line.id}").get_data(as_text=True))
    assert "Hoàng Thị Biên submitted it for review, self-score 3.75" in history
    assert "Nguyễn Văn An approved 3.5 points (self-score 3.75): “Thiếu một minh chứng”" in history
    assert "Hoàng Thị Biên saved a draft, self-score 2.25 → 2.5" in history
    assert "3,75" not in history


@pytest.fixture
def trail(story, campaign, units):
    """At least one event of every area, written by the real services where they are simple to call."""
    admin = factories.gen_user(role=Role.ADMIN, full_name="Quản Trị Viên")
    db.session.commit()
    user, _password = accounts.create_account(admin, "canbo-moi", "Trần Thị Mới", Role.UNIT_OFFICER, units[0].code,
                                              "moi@example.org")
    accounts.set_active(user, False, admin)
    accounts.end_sessions(user, admin)
    accounts.reset_password(user, admin)
    set_current(campaign, admin)
    ceremony.set_published(campaign, admin, True)
    ceremony.freeze(campaign, admin)
    cluster = db.session.execute(sa.select(Cluster).order_by(Cluster.position)).scalars().first()
    move_cluster(cluster, "down", cluster.version, admin)
    criterion = db.session.execute(sa.select(Criterion).where(Criterion.campaign_id == campaign.id,
                                                              Criterion.code == "1.2")).scalar_one()
    move_criterion(criterion, 1, admin)
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == campaign.id)).scalars().first()
    # the payloads of the other writers, as they record them
    append("campaign_edited", "campaign", campaign.id, admin,
           before={"threshold_good": "70.00", "review_end": "2025-11-30", "tie_break": "none"},
           after={"threshold_good": "72.50", "review_end": "2025-12-15", "tie_break": "bonus_then_deductions"})
    append("criterion_edited", "criterion", criterion.id, admin, before={"max_points": "4", "evidence_required": False,
                                                                         "kind": "item"},
           after={"max_points": "4.5", "evidence_required": True, "kind": "bonus"})
    append("award_type_edited", "award_type", award.id, admin, before={"rule_min_classification": "good",
                                                                       "vote_denominator": "voters", "nominee": "individual"},
           after={"rule_min_classification": "excellent", "vote_denominator": "all_members", "nominee": "collective"})
    append("unit_ended", "unit", units[1].id, admin, before={"valid_to": None, "successor": None},
           after={"valid_to": "2025-12-31", "successor": units[0].code})
    append("reference_import", "campaign", campaign.id, admin, after={
        "units": {"file": "units.csv", "created": ["AB"], "changed": [], "removed": []},
        "award_types": {"file": "award_types.csv", "created": [], "changed": ["CTD"], "removed": []}})
    append("reopen", "campaign", campaign.id, admin, from_state="closed", to_state="scoring",
           after={"reason": "Sửa sai sót số liệu"})
    append("criterion_removed", "criterion", 999_999, admin, before={"code": "9.9", "title": "Tiêu chí đã bỏ"})
    db.session.commit()
    return admin


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_audit_trail_shows_no_raw_key(client, login_as, trail, lang):
    login_as(Role.ADMIN)
    if lang == "en":
        client.post("/language/en")
    html = client.get("/admin/audit/").get_data(as_text=True)
    # the rows, without the hash column (hex) and the address
    rows = re.sub(r"<code\b.*?</code>", " ", html.split("<tbody>", 1)[1].split("</tbody>", 1)[0], flags=re.S)
    table = " ".join(_text(rows).split())
    assert table.count("Quản Trị Viên") >= 10
    raw = sorted(set(SNAKE.findall(table)))
    assert not raw, raw
    for state in ("submitted", "returned", "approved", "closed", "scoring"):
        assert f"{state} →" not in table and f"→ {state}" not in table
    shown_by_id = re.search(r".{60}#\d.{20}", table)
    assert not shown_by_id, shown_by_id.group(0)


def test_the_audit_trail_names_objects_and_formats_values(client, login_as, trail, story):
    line, _officer, _reviewer = story
    login_as(Role.ADMIN)
    html = client.get("/admin/audit/").get_data(as_text=True)
    text = " ".join(_text(html).split())
    assert "Biên Hòa · 1.1 Xây dựng" in text
    assert f'href="/review/items/score_line/{line.id}"' in html
    assert "Tài khoản canbo-moi (Trần Thị Mới)" in text
    assert "Phong trào thi đua năm 2025" in text
    assert "Điểm thẩm định" in text and "3,5" in text
    assert "Ngưỡng hoàn thành tốt nhiệm vụ 70 → 72,5" in text
    assert "End of review" not in text and "15/12/2025" in text
    assert "Bắt buộc có minh chứng Không → Có" in text
    assert "Tiêu chí 9.9 Tiêu chí đã bỏ (đã xóa)" in text
    assert "Trạng thái: Đã kết thúc → Đang chấm điểm" in text and "Trạng thái: Đã gửi → Đã phê duyệt" in text
    assert "«Sửa sai sót số liệu»" in text
    assert "units.csv: thêm 1, sửa 0, xóa 0" in text


def test_the_audit_trail_is_paged(client, login_as, trail):
    admin = trail
    for n in range(60):
        append("reveal", "scoreboard", None, admin, after={"step": n})
    db.session.commit()
    total = db.session.execute(sa.select(sa.func.count(AuditEvent.id))).scalar_one()
    login_as(Role.ADMIN)
    first = client.get("/admin/audit/").get_data(as_text=True)
    assert first.count("<tr><td>") == 50 and f"trong tổng số {total}" in first
    last_page = -(-total // 50)
    last = client.get(f"/admin/audit/?page={last_page}").get_data(as_text=True)
    assert last.count("<tr><td>") == total - 50 * (last_page - 1)
    assert f"Trang {last_page}/{last_page}" in last
    beyond = client.get(f"/admin/audit/?page={last_page + 5}").get_data(as_text=True)
    assert f"Trang {last_page}/{last_page}" in beyond  # a page past the end shows the last one
    # filters stay in the pager's links; the verification covers the whole chain whatever the page
    filtered = client.get("/admin/audit/?action=reveal&verify=1").get_data(as_text=True)
    assert "action=reveal" in filtered and "page=2" in filtered
    assert f"({total} sự kiện)" in filtered
