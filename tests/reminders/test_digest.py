"""The reviewers' daily digest of items waiting longer than REVIEW_OVERDUE_DAYS, once a day each."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import CampaignState, Notification, QueueItem, ReviewDigest, Role
from portal.notifications.services import message
from portal.reminders import services
from tests import factories
from tests.helpers import line_of, submit


def wait(line, days: int) -> None:
    """The line's queue item as if submitted ``days`` days ago."""
    item = db.session.execute(sa.select(QueueItem).where(QueueItem.subject_type == "score_line",
                                                         QueueItem.subject_id == line.id)).scalar_one()
    item.submitted_at = clock.now() - timedelta(days=days)
    db.session.commit()


@pytest.fixture
def waiting(campaign, units, officers):
    """Biên Hòa: 1.1 waiting 10 days, 1.2 waiting 2; Long Khánh: 2.1 waiting 8 days."""
    unit_a, unit_b = units
    officer_a, officer_b = officers
    old_a, new_a = submit(line_of(unit_a, "1.1"), officer_a), submit(line_of(unit_a, "1.2"), officer_a)
    old_b = submit(line_of(unit_b, "2.1"), officer_b)
    wait(old_a, 10)
    wait(new_a, 2)
    wait(old_b, 8)
    return old_a, new_a, old_b


@pytest.fixture
def reviewers(app):
    people = [factories.gen_user(role=Role.REVIEWER, email="thamdinh@btc.example", full_name="Trần Văn Định"),
              factories.gen_user(role=Role.REVIEWER, email=None)]
    factories.gen_user(role=Role.REVIEWER, email="nghi@btc.example", active=False)
    factories.gen_user(role=Role.COUNCIL, email="hoidong@btc.example")
    db.session.commit()
    return people


def digests_of(user):
    return db.session.execute(sa.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind == "review_digest")).scalars().all()


def test_each_active_reviewer_gets_one_digest_a_day_of_the_overdue_items(app, waiting, reviewers, smtp):
    app.config["PORTAL_URL"] = "https://thidua.btc.example/"
    report = services.run()

    assert report.digests == 2
    rows = db.session.execute(sa.select(ReviewDigest).order_by(ReviewDigest.user_id)).scalars().all()
    assert [r.user_id for r in rows] == [r.id for r in reviewers]
    assert [(i["unit"], i["code"], i["days"]) for i in rows[0].items] == [("Biên Hòa", "1.1", 10),
                                                                         ("Long Khánh", "2.1", 8)]
    for reviewer in reviewers:
        [note] = digests_of(reviewer)
        assert message(note) == "2 hồ sơ đã chờ thẩm định quá 7 ngày."

    [sent] = smtp.messages  # the reviewer with an address; never the council member or the disabled reviewer
    assert sent.recipients == ["thamdinh@btc.example"]
    assert sent.subject == f"Tổng hợp thẩm định ngày {clock.today():%d/%m/%Y}: 2 hồ sơ chờ quá 7 ngày"
    assert "Kính gửi Trần Văn Định," in sent.body
    assert "- Biên Hòa — 1.1 Xây dựng, triển khai Chương trình công tác năm 2025" in sent.body
    assert "đã chờ 10 ngày" in sent.body and "1.2 " not in sent.body
    assert "Mở cổng thi đua: https://thidua.btc.example/review/?age=7" in sent.body

    again = services.run()  # the same day: nothing
    assert again.digests == 0 and len(smtp.messages) == 1 and len(digests_of(reviewers[0])) == 1

    services.run(today=clock.today() + timedelta(days=1))  # the next day: a new digest
    assert len(smtp.messages) == 2 and len(digests_of(reviewers[0])) == 2


def test_no_digest_when_nothing_is_overdue(app, waiting, reviewers, smtp):
    for line in waiting:
        wait(line, 3)
    assert services.run().digests == 0
    assert smtp.messages == [] and db.session.scalar(sa.select(sa.func.count()).select_from(ReviewDigest)) == 0


def test_the_digest_command_sends_only_digests(app, campaign, units, waiting, reviewers, smtp, runner):
    campaign.registration_deadline = clock.today() + timedelta(days=1)  # units would be reminded too
    db.session.commit()
    result = runner.invoke(args=["reminders", "digest"])
    assert result.exit_code == 0, result.output
    assert "0 lời nhắc và 2 bản tổng hợp" in result.output
    assert [m.recipients for m in smtp.messages] == [["thamdinh@btc.example"]]


@pytest.mark.parametrize("state,sent", [(CampaignState.SCORING, 2), (CampaignState.CLOSED, 0)])
def test_digests_follow_the_campaign_while_it_is_worked_on(app, campaign, waiting, reviewers, smtp, state, sent):
    campaign.state = state
    db.session.commit()
    assert services.run().digests == sent
