"""Issue #12's scenario on a campaign with three review levels: the officer submits the last line →
the specialist approves what waits at the first level in bulk → the board leader adjusts one line of
the unit's scorecard with a reason and signs it off → the official total changes only then; the
officer sees at each step where the items are. (The ranking's approval and the lock belong to the
final result's page, which is not in the portal yet; the test ends after the sign-off.)"""
import re
from decimal import Decimal

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import CriterionKind, LevelScope, ReviewLevel, Role, ScorecardState, ScoreState, Unit
from portal import chain
from portal.review import services as review
from portal.scoreboard.ranking import compute_standings
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import person_page, screenshot, sign_in, submit_score
from tests.helpers import fresh, line_of, submit

REASON = "Minh chứng chưa thể hiện đủ số chi bộ thành lập mới; điều chỉnh theo báo cáo của đơn vị."


def _official(campaign, unit):
    db.session.expire_all()
    standing = next(s for s in compute_standings(campaign).units if s.unit.id == unit.id)
    return standing.total, standing.complete


def test_an_item_passes_the_specialist_and_the_board_leaders_sign_off(browser, live_server, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    specialist = factories.gen_user(role=Role.REVIEWER, full_name="Trần Thị Thẩm")
    leader = factories.gen_user(role=Role.REVIEWER, full_name="Hoàng Văn Lãnh")
    chair = factories.gen_user(role=Role.COUNCIL, full_name="Phạm Văn Hội")
    for position, (name, scope, member) in enumerate([
            ("Chuyên viên thẩm định", LevelScope.ITEM, specialist), ("Lãnh đạo Ban", LevelScope.SCORECARD, leader),
            ("Hội đồng thi đua, khen thưởng", LevelScope.RANKING, chair)], start=1):
        db.session.add(ReviewLevel(campaign_id=campaign.id, position=position, name=name, scope=scope, members=[member]))
    ensure_workspace(unit, campaign)
    db.session.commit()
    chain.forget()

    # prepared through the services: every item line but 3.3 submitted; all but task group 3 passed level 1
    lines = [line for line in chain.unit_lines(campaign.id, unit.id) if line.criterion.kind is CriterionKind.ITEM]
    last = line_of(unit, "3.3")  # no evidence required
    for line in lines:
        if line.id != last.id:
            submit(line, officer, score=format(min(line.criterion.max_points, Decimal(2)), "f"))
            if not line.criterion.code.startswith("3."):
                review.approve_score(fresh(line), specialist)
                db.session.commit()
    waiting_first = [line for line in lines if line.criterion.code.startswith("3.")]
    total_before, complete = _official(campaign, unit)
    assert (total_before, complete) == (0, False)

    contexts = []
    try:
        # the officer submits the last line and sees where it is
        ctx, unit_page = person_page(browser, live_server)
        contexts.append(ctx)
        sign_in(unit_page, officer.username)
        submit_score(unit_page, last.id, "2,5", "Thành lập 3 chi bộ ở doanh nghiệp ngoài nhà nước.")
        expect(unit_page.locator(f"#line-state-{last.id}")).to_have_text("Đã gửi")
        expect(unit_page.locator(f"#line-place-{last.id}")).to_have_text("đang ở cấp Chuyên viên thẩm định")
        unit_page.goto("/unit/")
        expect(unit_page.locator(f"#item-{last.id}")).to_contain_text("đang ở cấp Chuyên viên thẩm định")
        expect(unit_page.locator(f"#item-{lines[0].id}")).to_contain_text("đang ở cấp Lãnh đạo Ban")
        screenshot(unit_page, "chain-officer-dashboard-level1")

        # the specialist approves what waits at level 1, in bulk
        ctx, specialist_page = person_page(browser, live_server)
        contexts.append(ctx)
        sign_in(specialist_page, specialist.username)
        specialist_page.goto("/review/?level=1")
        results = specialist_page.locator("#queue-results")
        for line in waiting_first:
            expect(results.locator(f"#queue-row-score_line-{line.id}")).to_be_visible()
        screenshot(specialist_page, "chain-queue-level1")
        specialist_page.locator("[data-select-page='bulk-form']").check()
        specialist_page.get_by_role("button", name="Phê duyệt các mục đã chọn").click()
        expect(results).to_contain_text("Chưa có nội dung nào", timeout=10_000)
        assert all(fresh(line).level == 2 and fresh(line).state is ScoreState.SUBMITTED for line in waiting_first)
        scorecard = chain.scorecard_for(campaign.id, unit.id)
        assert (scorecard.state, scorecard.level) == (ScorecardState.SUBMITTED, 2)
        assert _official(campaign, unit) == (total_before, False)  # nothing official yet

        # the board leader: level 2's queue → the unit's scorecard → one line adjusted with a reason
        ctx, leader_page = person_page(browser, live_server)
        contexts.append(ctx)
        sign_in(leader_page, leader.username)
        leader_page.goto("/review/?level=2")
        row = leader_page.locator(f"#queue-row-scorecard-{scorecard.id}")
        expect(row).to_contain_text(unit.short_name)
        screenshot(leader_page, "chain-queue-level2")
        leader_page.goto(f"/review/items/scorecard/{scorecard.id}")
        detail = leader_page.locator("#queue-detail")
        expect(detail).to_contain_text("Ký duyệt bảng điểm")
        detail.get_by_role("link", name=re.compile(r"^3\.3\b")).click()
        detail = leader_page.locator("#queue-detail")
        detail.get_by_text("Phê duyệt và điều chỉnh điểm").click()
        detail.get_by_label(re.compile("Điểm thẩm định")).fill("2")
        detail.get_by_label(re.compile("Lý do")).fill(REASON)
        detail.get_by_role("button", name="Phê duyệt theo điểm này").click()
        expect(leader_page.locator("#queue-detail")).to_contain_text(REASON)
        assert fresh(last).approved_score == Decimal(2) and fresh(last).state is ScoreState.SUBMITTED
        assert _official(campaign, unit) == (total_before, False)  # the adjustment waits for the sign-off

        leader_page.goto(f"/review/items/scorecard/{scorecard.id}")
        detail = leader_page.locator("#queue-detail")
        expect(detail).to_contain_text(REASON[:40])
        screenshot(leader_page, "chain-scorecard-detail")
        detail.get_by_role("button", name="Ký duyệt bảng điểm").click()
        expect(leader_page.locator("#queue-detail .badge").first).to_have_text("Đã ký duyệt")
        screenshot(leader_page, "chain-scorecard-signed-off")

        # only now the official total: the lines' figures, the adjusted one included
        total_after, complete = _official(campaign, unit)
        expected = sum((fresh(line).approved_score for line in lines), Decimal(0))
        assert complete and total_after == expected > total_before
        assert all(fresh(line).state is ScoreState.APPROVED for line in lines)

        # the officer sees the decisions of each level on the adjusted line, and nothing waiting any more
        unit_page.goto(f"/unit/score-lines/{last.id}")
        expect(unit_page.locator(f"#line-state-{last.id}")).to_have_text("Đã phê duyệt")
        expect(unit_page.locator(f"#line-place-{last.id}")).to_have_text("")
        steps = unit_page.locator(".history-box", has_text="Ý kiến từng cấp xét duyệt")
        expect(steps).to_contain_text("Chuyên viên thẩm định")
        expect(steps).to_contain_text("Lãnh đạo Ban")
        expect(steps).to_contain_text(REASON)
        screenshot(unit_page, "chain-officer-item-steps")
        for page in (unit_page, specialist_page, leader_page):
            assert page.errors == []
    finally:
        for ctx in contexts:
            ctx.close()
