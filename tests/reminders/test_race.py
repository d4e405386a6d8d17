"""Two runs at the same moment (two cron entries, a timer and an operator): every reminder and
digest is still sent once — the unique rows decide, on SQLite and on PostgreSQL alike."""
from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import Notification, QueueItem, Reminder, ReviewDigest, Role
from portal.reminders import services
from tests import factories
from tests.helpers import line_of, submit


def test_two_runs_racing_send_every_reminder_once(app, campaign, units, smtp):
    unit_a, unit_b = units
    officers = [factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, email=f"{unit.code.lower()}{n}@btc.example")
                for unit in units for n in (1, 2)]
    reviewer = factories.gen_user(role=Role.REVIEWER, email="thamdinh@btc.example")
    campaign.registration_deadline = clock.today() + timedelta(days=2)
    db.session.commit()
    line = submit(line_of(unit_a, "1.1"), officers[0])
    item = db.session.execute(sa.select(QueueItem).where(QueueItem.subject_id == line.id)).scalar_one()
    item.submitted_at = clock.now() - timedelta(days=9)
    db.session.commit()

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                reports.append(services.run())
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(reports) == 2

    assert sum(r.reminders for r in reports) == 2 and sum(r.digests for r in reports) == 1
    assert sum(r.already_sent for r in reports) == 3
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewDigest)) == 1
    for officer in officers:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == officer.id, Notification.kind == "reminder")) == 1
    recipients = sorted(address for m in smtp.messages for address in m.recipients)
    assert recipients == sorted([o.email for o in officers] + ["thamdinh@btc.example"])
