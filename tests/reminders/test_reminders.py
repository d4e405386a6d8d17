"""Deadline reminders: exactly the affected units, exactly what is missing, sent once — through a
real SMTP server started by the test."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import clock
from portal.config import reminder_days
from portal.extensions import db
from portal.models import (
    CampaignState,
    Criterion,
    CriterionKind,
    Notification,
    Registration,
    RegistrationState,
    Reminder,
    ReminderRun,
    Role,
    Unit,
)
from portal.notifications.services import message
from portal.reminders import services
from portal.reminders.services import lead_step
from tests import factories
from tests.helpers import commitment_of, line_of, submit
from tests.reminders.conftest import configure_mail


def item_codes(campaign) -> list[str]:
    return db.session.execute(sa.select(Criterion.code).where(
        Criterion.campaign_id == campaign.id, Criterion.kind == CriterionKind.ITEM).order_by(Criterion.position)
    ).scalars().all()


def criterion(campaign, code) -> Criterion:
    return db.session.execute(sa.select(Criterion).where(
        Criterion.campaign_id == campaign.id, Criterion.code == code)).scalar_one()


def notifications_of(user) -> list[Notification]:
    return db.session.execute(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "reminder").order_by(Notification.id)).scalars().all()


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def team(campaign, units):
    """Biên Hòa and Long Khánh with an officer each (with e-mail), a unit ended last month with its
    own officer, and a unit with no officer at all."""
    unit_a, unit_b = units
    officer_a = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit_a, email="bienhoa@btc.example",
                                   full_name="Nguyễn Thị Hồng")
    officer_a2 = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit_a, email=None)  # no e-mail: notified only
    officer_b = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit_b, email="longkhanh@btc.example")
    ended = db.session.execute(sa.select(Unit).where(Unit.code == "LT")).scalar_one()
    ended.valid_to = clock.today() - timedelta(days=30)
    officer_ended = factories.gen_user(role=Role.UNIT_OFFICER, unit=ended, email="longthanh@btc.example")
    factories.gen_user(role=Role.UNIT_OFFICER, unit=unit_a, email="disabled@btc.example", active=False)
    db.session.commit()
    return {"a": unit_a, "b": unit_b, "officer_a": officer_a, "officer_a2": officer_a2, "officer_b": officer_b,
            "ended": ended, "officer_ended": officer_ended}


def registration_due_in(campaign, days: int) -> None:
    campaign.registration_deadline = clock.today() + timedelta(days=days)
    db.session.commit()


def submit_registration_of(unit, campaign) -> None:
    registration = db.session.execute(sa.select(Registration).where(
        Registration.unit_id == unit.id, Registration.campaign_id == campaign.id)).scalar_one()
    registration.state = RegistrationState.SUBMITTED
    db.session.commit()


# --- the lead-day steps -------------------------------------------------------------------------

@pytest.mark.parametrize("days_left,step", [(8, None), (7, 7), (5, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 1),
                                            (-1, None)])
def test_lead_step_is_the_smallest_lead_not_below_the_days_left(days_left, step):
    today = clock.today()
    assert lead_step(today + timedelta(days=days_left), today, (7, 3, 1)) == step


def test_reminder_days_setting_reads_a_list_and_refuses_nonsense():
    assert reminder_days("1, 7,3") == (7, 3, 1)
    assert reminder_days((3, 14)) == (14, 3)
    for bad in ("", "sáu", "7,-1", "400"):
        with pytest.raises(ValueError):
            reminder_days(bad)


# --- the registration deadline --------------------------------------------------------------------

def test_registration_reminder_reaches_exactly_the_unit_missing_it_with_what_is_missing(app, campaign, team, smtp):
    app.config["PORTAL_URL"] = "https://thidua.btc.example"
    registration_due_in(campaign, 5)
    codes = item_codes(campaign)
    for code in codes[:2]:  # Biên Hòa has pledged its first two items
        commitment_of(team["a"], code).target_text = "Hoàn thành đúng tiến độ"
    db.session.commit()
    submit_registration_of(team["b"], campaign)  # Long Khánh has submitted: nothing missing

    report = services.run()

    reminders = db.session.execute(sa.select(Reminder)).scalars().all()
    assert [(r.unit_id, r.deadline_kind, r.deadline, r.lead_days) for r in reminders] == [
        (team["a"].id, "registration", campaign.registration_deadline, 7)]
    assert reminders[0].missing["registration"] is True
    assert [i["code"] for i in reminders[0].missing["items"]] == codes[2:]
    assert reminders[0].recipients == ["bienhoa@btc.example"]
    assert report.reminders == 1 and report.emails == 1

    # In the portal: each active officer of Biên Hòa, nobody else.
    for officer in (team["officer_a"], team["officer_a2"]):
        [note] = notifications_of(officer)
        text = message(note)
        assert "Hạn đăng ký thi đua" in text and "bản đăng ký thi đua chưa được gửi" in text
        assert codes[2] in text and criterion(campaign, codes[2]).title in text
        assert f" {codes[0]} " not in text  # pledged: not listed
    assert notifications_of(team["officer_b"]) == [] and notifications_of(team["officer_ended"]) == []

    # By e-mail: one message, to Biên Hòa's officer with an address, in Vietnamese with its diacritics.
    [sent] = smtp.messages
    assert sent.recipients == ["bienhoa@btc.example"]
    assert "thidua@btc.example" in sent.sender
    assert sent.subject == (f"Nhắc hạn: hạn đăng ký thi đua ngày {campaign.registration_deadline:%d/%m/%Y} "
                            f"(còn 5 ngày) — Biên Hòa")
    assert "Kính gửi Nguyễn Thị Hồng," in sent.body
    assert "bản đăng ký thi đua chưa được gửi" in sent.body
    third = criterion(campaign, codes[2])
    assert f"- {third.code} {third.title}: chưa đăng ký chỉ tiêu" in sent.body
    assert f"- {codes[0]} " not in sent.body
    assert "Ban Tổ chức Tỉnh ủy Đồng Nai" in sent.body
    assert "Mở cổng thi đua: https://thidua.btc.example/unit/pledges" in sent.body

    # A second run sends nothing: no e-mail, no notification, no record.
    again = services.run()
    assert again.reminders == 0 and again.already_sent == 1
    assert len(smtp.messages) == 1
    assert len(notifications_of(team["officer_a"])) == 1
    assert count(Reminder) == 1
    assert count(ReminderRun) == 2


def test_the_next_lead_step_is_a_new_reminder(app, campaign, team, smtp):
    registration_due_in(campaign, 7)
    services.run()
    services.run(today=clock.today() + timedelta(days=1))  # 6 days left: still the 7-day step
    services.run(today=clock.today() + timedelta(days=4))  # 3 days left: the 3-day step
    steps = db.session.execute(sa.select(Reminder.unit_id, Reminder.lead_days).order_by(Reminder.id)).all()
    assert sorted(steps) == sorted([(team["a"].id, 7), (team["b"].id, 7), (team["a"].id, 3), (team["b"].id, 3)])
    assert len(smtp.to("bienhoa@btc.example")) == 2


def test_nothing_before_the_lead_time_or_after_the_deadline(app, campaign, team, smtp):
    registration_due_in(campaign, 8)
    assert services.run().reminders == 0
    campaign.registration_deadline = clock.today() - timedelta(days=1)
    db.session.commit()
    assert services.run().reminders == 0
    assert smtp.messages == [] and count(Notification) == 0


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.CLOSED, CampaignState.SCORING])
def test_no_unit_reminders_unless_the_campaign_is_open(app, campaign, team, smtp, state):
    registration_due_in(campaign, 2)
    campaign.reporting_deadline = clock.today() + timedelta(days=2)
    campaign.state = state
    db.session.commit()
    report = services.run()
    assert report.reminders == 0 and smtp.messages == [] and count(Reminder) == 0
    assert count(Notification) == 0


def test_only_the_current_campaign(app, campaign, team, smtp):
    registration_due_in(campaign, 2)
    campaign.is_current = False
    factories.gen_campaign(year=2026, name="Phong trào thi đua năm 2026", is_current=True,
                           state=CampaignState.DRAFT)
    db.session.commit()
    assert services.run().reminders == 0 and smtp.messages == []


# --- the reporting deadlines: the campaign's and each item's own ----------------------------------

def test_reporting_reminders_per_item_deadline_say_what_each_item_lacks(app, campaign, team, smtp):
    today = clock.today()
    campaign.registration_deadline = today - timedelta(days=10)
    campaign.reporting_deadline = today + timedelta(days=3)
    codes = item_codes(campaign)
    early, late = criterion(campaign, codes[0]), criterion(campaign, codes[-1])
    early.deadline = today + timedelta(days=1)   # closes earlier: its own 1-day reminder
    late.deadline = today + timedelta(days=30)   # closes later: not due yet
    db.session.commit()
    submit(line_of(team["a"], codes[1]), team["officer_a"])  # submitted: never listed
    scored = line_of(team["a"], codes[2])  # scored, no explanation, evidence required, not submitted
    scored.self_score = Decimal(2)
    db.session.commit()
    for code in codes:  # Long Khánh has submitted every item due
        if code != late.code:
            submit(line_of(team["b"], code), team["officer_b"], score="0")

    services.run()

    rows = db.session.execute(sa.select(Reminder).order_by(Reminder.deadline)).scalars().all()
    assert [(r.unit_id, r.deadline_kind, r.deadline, r.lead_days) for r in rows] == [
        (team["a"].id, "reporting", early.deadline, 1),
        (team["a"].id, "reporting", campaign.reporting_deadline, 3)]
    assert rows[0].missing["items"] == [{"code": early.code, "title": early.title,
                                         "needs": ["self_score", "evidence"]}]
    due_items = {i["code"]: i["needs"] for i in rows[1].missing["items"]}
    assert early.code not in due_items and late.code not in due_items and codes[1] not in due_items
    assert due_items[codes[2]] == ["explanation", "evidence", "submit"]
    assert set(due_items) == set(codes[2:-1])

    bodies = [m.body for m in smtp.to("bienhoa@btc.example")]
    assert len(bodies) == 2 and smtp.to("longkhanh@btc.example") == []
    item_mail = next(b for b in bodies if f"{early.deadline:%d/%m/%Y}" in b)
    assert f"- {early.code} {early.title}: chưa tự chấm điểm, thiếu minh chứng bắt buộc" in item_mail
    campaign_mail = next(b for b in bodies if f"{campaign.reporting_deadline:%d/%m/%Y}" in b)
    third = criterion(campaign, codes[2])
    assert (f"- {third.code} {third.title}: chưa có giải trình, thiếu minh chứng bắt buộc, "
            f"đã chấm nhưng chưa gửi") in campaign_mail
    assert "Hạn nộp kết quả" in campaign_mail and "Mở cổng" not in campaign_mail  # no PORTAL_URL: no link


def test_an_unclaimed_bonus_is_not_missing_a_claimed_one_is(app, campaign, team, smtp):
    campaign.registration_deadline = clock.today() - timedelta(days=10)
    campaign.reporting_deadline = clock.today() + timedelta(days=2)
    db.session.commit()
    bonus = db.session.execute(sa.select(Criterion).where(Criterion.campaign_id == campaign.id,
                                                          Criterion.kind == CriterionKind.BONUS)
                               .order_by(Criterion.position)).scalars().first()
    line_of(team["a"], bonus.code).self_score = Decimal(1)
    line_of(team["a"], bonus.code).explanation = "Được Tỉnh ủy khen thưởng"
    db.session.commit()
    services.run()
    missing = {r.unit_id: {i["code"] for i in r.missing["items"]} for r in db.session.execute(sa.select(Reminder)).scalars()}
    assert bonus.code in missing[team["a"].id] and bonus.code not in missing[team["b"].id]


# --- mail settings --------------------------------------------------------------------------------

def test_without_smtp_reminders_are_notifications_only(app, campaign, team):
    configure_mail(app, None)
    registration_due_in(campaign, 1)
    report = services.run()
    assert report.reminders == 2 and report.emails == 0 and report.mail_errors == 0
    assert all(r.recipients == [] and r.mail_error == "" for r in db.session.execute(sa.select(Reminder)).scalars())
    assert len(notifications_of(team["officer_a"])) == 1


def test_an_smtp_server_that_does_not_answer_is_recorded_and_not_retried(app, campaign, team, runner):
    with __import__("socket").socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    configure_mail(app, port)
    registration_due_in(campaign, 1)
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1 and "thư điện tử gửi không thành công" in result.output
    errors = db.session.execute(sa.select(Reminder.mail_error)).scalars().all()
    assert len(errors) == 2 and all("ConnectionRefused" in e for e in errors)
    assert len(notifications_of(team["officer_a"])) == 1  # the notification still went
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    assert count(Reminder) == 2 and len(notifications_of(team["officer_a"])) == 1


# --- the command -------------------------------------------------------------------------------------

def test_the_command_reports_in_vietnamese(app, campaign, team, smtp, runner):
    registration_due_in(campaign, 3)
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 2 lời nhắc" in result.output
    result = runner.invoke(args=["reminders", "send"])
    assert "Đã gửi 0 lời nhắc" in result.output and "2 lời nhắc đã gửi trước đó" in result.output
    assert len(smtp.messages) == 2


def test_the_command_without_a_working_campaign_says_so(app, campaign, runner):
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "Không có phong trào" in result.output
