from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import live
from portal.extensions import db
from portal.models import Evidence, QueueItem, Role, utcnow
from tests.helpers import HX, line_of, submit


def rows_in(page: str) -> list[str]:
    import re

    return re.findall(r'id="queue-row-(score_line-\d+|registration-\d+)"', page)


def test_the_queue_lists_submitted_items_oldest_first(client, login_as, submitted):
    login_as(Role.REVIEWER)
    page = client.get("/review/").get_data(as_text=True)
    assert rows_in(page) == [f"score_line-{line.id}" for line in submitted]
    assert "<title>" in page  # a whole page


def test_filters_are_in_the_url_and_answer_partials(client, login_as, submitted, units):
    login_as(Role.REVIEWER)
    url = f"/review/?unit={units[1].id}"
    full = client.get(url).get_data(as_text=True)
    assert rows_in(full) == [f"score_line-{submitted[3].id}"]
    assert f'<option value="{units[1].id}" selected>' in full
    partial = client.get(url, headers={**HX, "HX-Target": "queue-results"})
    body = partial.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="queue-results"') and "<title>" not in body
    assert "HX-Request" in partial.headers["Vary"]
    # a boosted or history-restore request gets the page
    restore = client.get(url, headers={**HX, "HX-Target": "queue-results", "HX-History-Restore-Request": "true"})
    assert "<title>" in restore.get_data(as_text=True)


@pytest.mark.parametrize("query,expected", [
    ("kind=registration", []),
    ("kind=score_line", [0, 1, 2, 3]),
    ("state=approved", []),
    ("state=all", [0, 1, 2, 3]),
    ("sort=newest", [3, 2, 1, 0]),
    ("age=3", [0]),
    ("kind=nonsense&state=bad&sort=bad&page=x", [0, 1, 2, 3]),  # bad values fall back to defaults
])
def test_filter_values(client, login_as, submitted, query, expected):
    item = db.session.execute(sa.select(QueueItem).where(QueueItem.subject_id == submitted[0].id)).scalar_one()
    item.submitted_at = utcnow() - timedelta(days=5)
    db.session.commit()
    login_as(Role.REVIEWER)
    page = client.get(f"/review/?{query}").get_data(as_text=True)
    assert rows_in(page) == [f"score_line-{submitted[i].id}" for i in expected]


def test_cluster_and_group_filters(client, login_as, submitted, units):
    login_as(Role.REVIEWER)
    group_2 = submitted[2].criterion.parent_id
    assert rows_in(client.get(f"/review/?group={group_2}").get_data(as_text=True)) == [f"score_line-{submitted[2].id}"]
    cluster_b = units[1].cluster_id
    assert rows_in(client.get(f"/review/?cluster={cluster_b}").get_data(as_text=True)) == [f"score_line-{submitted[3].id}"]


def test_counts_per_state(client, login_as, submitted):
    login_as(Role.REVIEWER)
    page = client.get("/review/").get_data(as_text=True)
    assert 'Đã gửi <span class="tabs__count">4</span>' in page  # the unit's word for the state


def test_overdue_and_shared_evidence_are_flagged(client, login_as, submitted, units, app):
    item = db.session.execute(sa.select(QueueItem).where(QueueItem.subject_id == submitted[0].id)).scalar_one()
    item.submitted_at = utcnow() - timedelta(days=app.config["REVIEW_OVERDUE_DAYS"] + 1)
    for line in (submitted[1], submitted[3]):  # the same file in unit A and unit B
        db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                                stored_name=f"{line.id:032x}.pdf", original_name="x.pdf", size=10,
                                content_type="application/pdf", sha256="ab" * 32, uploaded_by_id=_user()))
    db.session.commit()
    login_as(Role.REVIEWER)
    page = client.get("/review/").get_data(as_text=True)
    import re

    row = lambda line: re.search(rf'<tr id="queue-row-score_line-{line.id}".*?</tr>', page, re.S).group(0)
    assert "quá hạn xử lý" in row(submitted[0]) and "quá hạn xử lý" not in row(submitted[2])
    assert "trùng tệp với đơn vị khác" in row(submitted[1]) and "trùng tệp với đơn vị khác" in row(submitted[3])
    assert "trùng tệp với đơn vị khác" not in row(submitted[0])


def _user():
    from portal.models import User

    return db.session.execute(sa.select(User.id)).scalars().first()


def test_paging(client, login_as, units, officers):
    from tests.helpers import submit as do_submit

    codes = ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
    for code in codes:
        do_submit(line_of(units[0], code), officers[0])
    login_as(Role.REVIEWER)
    import portal.review.queries as queries

    original = queries.PER_PAGE
    queries.PER_PAGE = 3
    try:
        first = rows_in(client.get("/review/").get_data(as_text=True))
        third = client.get("/review/?page=3").get_data(as_text=True)
    finally:
        queries.PER_PAGE = original
    assert len(first) == 3 and len(rows_in(third)) == 2
    assert "Trang 3/3" in third


def test_live_rows_answer_204_while_nothing_changed(client, login_as, submitted, units, officers):
    login_as(Role.REVIEWER)
    version = live.current(live.QUEUE)
    assert client.get(f"/review/rows?v={version}").status_code == 204
    new_line = submit(line_of(units[1], "2.1"), officers[1])
    response = client.get(f"/review/rows?v={version}")
    assert response.status_code == 200
    assert f"score_line-{new_line.id}" in rows_in(response.get_data(as_text=True))
    assert f"v={version + 1}" in response.get_data(as_text=True) or f"v={live.current(live.QUEUE)}" in response.get_data(as_text=True)


def test_badge_poll(client, login_as, submitted, units, officers):
    login_as(Role.REVIEWER)
    version = live.current(live.QUEUE)
    assert client.get(f"/review/badge?v={version}").status_code == 204
    submit(line_of(units[1], "2.1"), officers[1])
    response = client.get(f"/review/badge?v={version}")
    assert response.status_code == 200 and ">5</span>" in response.get_data(as_text=True)


def test_query_count_does_not_grow_with_rows(client, login_as, units, officers, app):
    """10 rows or 500 rows: the same number of statements."""
    from decimal import Decimal

    login_as(Role.REVIEWER)
    template = line_of(units[0], "1.1")

    def fill(n):
        db.session.execute(sa.delete(QueueItem))
        now = utcnow()
        db.session.execute(sa.insert(QueueItem), [
            {"subject_type": "score_line", "subject_id": 10_000 + i, "campaign_id": template.campaign_id,
             "unit_id": units[i % 2].id, "cluster_id": units[i % 2].cluster_id,
             "task_group_id": template.criterion.parent_id, "criterion_id": template.criterion_id, "state": "submitted",
             "submitted_at": now - timedelta(minutes=i), "self_score": Decimal(3), "submissions": 1} for i in range(n)])
        db.session.commit()

    def count_statements(url):
        statements = []
        engine = db.engine
        listener = lambda *args: statements.append(args[2])
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    import portal.review.queries as queries

    original = queries.PER_PAGE
    try:
        fill(10)
        queries.PER_PAGE = 10
        small = count_statements("/review/")
        fill(500)
        queries.PER_PAGE = 500
        large = count_statements("/review/")
    finally:
        queries.PER_PAGE = original
    assert small == large


def test_queue_summary_counts_only_the_filtered_kind(client, login_as, submitted):
    login_as(Role.REVIEWER)
    page = client.get("/review/?kind=registration").get_data(as_text=True)
    summary = page[page.index('class="muted queue-summary"'):]
    summary = summary[:summary.index("</p>")]
    assert "Điểm tiêu chí" not in summary and "0 mục" in summary
    page = client.get("/review/?kind=score_line").get_data(as_text=True)
    summary = page[page.index('class="muted queue-summary"'):]
    assert "4 mục" in summary[:summary.index("</p>")] and "Điểm tiêu chí: 4" in summary[:summary.index("</p>")]
