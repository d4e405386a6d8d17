"""Issue #12: in a review chain of several levels the daily digest covers every level — each person
gets the overdue items waiting at the levels they act at (items at an item level, scorecards at a
scorecard level); people at no level, and levels with nothing overdue, get nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import LevelScope, QueueItem, ReviewDigest, Role
from portal.notifications.services import digest_line
from portal.reminders import services
from portal.review import services as review
from tests import factories
from tests.chain_helpers import BOARD, SPECIALISTS, make_chain, scored_lines, submit_all
from tests.helpers import fresh, line_of, submit
from tests.reminders.test_digest import digests_of


def age_everything(days: int) -> None:
    for item in db.session.execute(sa.select(QueueItem)).scalars():
        item.submitted_at = clock.now() - timedelta(days=days)
    db.session.commit()


def digest_of(user):
    return db.session.execute(sa.select(ReviewDigest).where(ReviewDigest.user_id == user.id)).scalar_one_or_none()


@pytest.fixture
def staff(app):
    people = {name: factories.gen_user(role=role, email=f"{name}@btc.example", full_name=full)
              for name, role, full in [("specialist", Role.REVIEWER, "Trần Văn Định"),
                                       ("leader", Role.REVIEWER, "Lê Thị Lãnh"),
                                       ("both", Role.ADMIN, "Ngô Văn Hai"),
                                       ("outsider", Role.REVIEWER, "Đỗ Văn Ngoài")]}
    db.session.commit()
    return people


def test_two_item_levels_each_person_gets_the_items_at_their_levels(app, campaign, units, officers, staff, smtp):
    app.config["PORTAL_URL"] = "https://thidua.btc.example/"
    make_chain(campaign, [(SPECIALISTS, LevelScope.ITEM, [staff["specialist"], staff["both"]]),
                          (BOARD, LevelScope.ITEM, [staff["leader"], staff["both"]])])
    unit_a, unit_b = units
    first = submit(line_of(unit_a, "1.1"), officers[0])
    submit(line_of(unit_b, "2.1"), officers[1])
    review.approve_score(fresh(first), staff["specialist"])  # 1.1 of Biên Hòa now waits at the board
    db.session.commit()
    age_everything(9)

    report = services.run()
    assert report.digests == 3  # the outsider acts at no level
    assert digest_of(staff["outsider"]) is None and digests_of(staff["outsider"]) == []
    listed = {name: [(i["unit"], i["code"], i["level"]) for i in digest_of(user).items]
              for name, user in staff.items() if name != "outsider"}
    assert listed["specialist"] == [("Long Khánh", "2.1", SPECIALISTS)]
    assert listed["leader"] == [("Biên Hòa", "1.1", BOARD)]
    assert sorted(listed["both"]) == [("Biên Hòa", "1.1", BOARD), ("Long Khánh", "2.1", SPECIALISTS)]
    line = digest_line(digest_of(staff["leader"]).items[0])
    assert line.startswith(f"Biên Hòa — 1.1 ") and f"(ở cấp “{BOARD}”)" in line
    mails = {m.recipients[0]: m for m in smtp.messages}
    assert set(mails) == {"specialist@btc.example", "leader@btc.example", "both@btc.example"}
    assert "/review/?age=7&level=2" in mails["leader@btc.example"].body
    assert "/review/?age=7&level=1" in mails["both@btc.example"].body


def test_a_scorecard_level_gets_the_scorecards_not_their_lines(app, campaign, units, officers, staff, smtp):
    make_chain(campaign, [(SPECIALISTS, LevelScope.ITEM, [staff["specialist"]]),
                          (BOARD, LevelScope.SCORECARD, [staff["leader"]])])
    unit_a, unit_b = units
    officer_a = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit_a)
    db.session.commit()
    submit_all(unit_a, officer_a)
    for line in scored_lines(unit_a):
        review.approve_score(fresh(line), staff["specialist"])
        db.session.commit()
    submit(line_of(unit_b, "2.1"), officers[1])
    age_everything(9)


    assert services.run().digests == 2
    specialist = [(i["unit"], i["kind"], i["level"]) for i in digest_of(staff["specialist"]).items]
    leader = [(i["unit"], i["kind"], i["level"]) for i in digest_of(staff["leader"]).items]
    assert specialist == [("Long Khánh", "score_line", SPECIALISTS)]
    assert leader == [("Biên Hòa", "scorecard", BOARD)]  # one scorecard, not its 22 lines
    assert digest_line(digest_of(staff["leader"]).items[0]).startswith(
        f"Biên Hòa — Bảng điểm của đơn vị chờ ký duyệt (ở cấp “{BOARD}”) — ")


def test_nothing_overdue_at_a_level_sends_its_people_nothing(app, campaign, units, officers, staff, smtp):
    make_chain(campaign, [(SPECIALISTS, LevelScope.ITEM, [staff["specialist"]]),
                          (BOARD, LevelScope.ITEM, [staff["leader"]])])
    submit(line_of(units[1], "2.1"), officers[1])
    age_everything(9)

    assert services.run().digests == 1
    assert digest_of(staff["leader"]) is None and digest_of(staff["specialist"]) is not None
    assert [m.recipients for m in smtp.messages] == [["specialist@btc.example"]]
