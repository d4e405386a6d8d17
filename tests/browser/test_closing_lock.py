"""The closing lock in the browser: the campaign closes while an officer has a criterion page open;
the officer's save is refused with the lock's message beside the form, and nothing is saved."""
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Campaign, CampaignState, Role, Unit
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.helpers import line_of


def test_a_save_after_the_campaign_closed_shows_the_lock(page, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    ensure_workspace(unit, campaign)
    db.session.commit()
    line = line_of(unit, "1.1")
    sign_in(page, officer.username)
    page.goto(f"/unit/score-lines/{line.id}")
    held = []  # the as-you-type check is held in flight, so the save below races it every time
    page.route("**/preview", lambda route: held.append(route))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    with page.expect_request("**/preview"):
        page.locator(f"#score-{line.id}-self_score").fill("7,5")
    page.locator(f"#score-{line.id}-explanation").fill("Đã ban hành Chương trình công tác số 12-CTr/BTCTU.")

    db.session.get(Campaign, campaign.id).state = CampaignState.CLOSED  # the administrator closes the year
    db.session.commit()
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(f"#score-{line.id}")).to_contain_text("Phong trào thi đua đã kết thúc; kết quả đã được khóa")
    screenshot(page, "closing-lock-save-refused-1366")
    db.session.expire_all()
    assert line_of(unit, "1.1").self_score is None
    # The save cancelled the check still in flight: no late answer lands on the locked view.
    assert [url for url in failed if url.endswith("/preview")], failed
    # htmx reports the cancel itself (sendAbort, afterRequest); nothing else may go wrong, least of all a
    # late answer looking for the fields the locked view no longer has (oobErrorNoTarget).
    expected = ("status of 409", "htmx:sendAbort", "htmx:afterRequest")
    assert [e for e in page.console_errors if not e.startswith(expected) and "status of 409" not in e] == []
