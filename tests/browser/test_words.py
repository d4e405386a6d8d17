"""Words in the browser: a score hint that follows the criterion's maximum, a nomination that names
its unit's cluster and the award's level — in Vietnamese and in English (screenshots to look at)."""
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, Unit
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.helpers import award, line_of


def switch_language(page, name: str) -> None:
    page.locator(".lang-switch").get_by_role("button", name=name).click()


def test_an_officer_reads_hints_and_nominations_in_both_languages(page, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    ensure_workspace(unit, campaign)
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    db.session.commit()
    sign_in(page, officer.username)
    expect(page.locator(".user-box__role")).to_have_text(f"Cán bộ đơn vị · {unit.short_name}")
    expect(page.locator(".user-box__role [title]")).to_have_attribute("title", unit.name)  # the full name on hover

    line = line_of(unit, "3.1")  # maximum 4
    page.goto(f"/unit/score-lines/{line.id}")
    page.locator(f"#score-{line.id}-self_score").fill("3,3")
    page.get_by_role("button", name="Lưu dự thảo", exact=True).click()
    expect(page.locator(f"#score-{line.id}-self_score-error")).to_have_text(
        "Điểm chấm theo bước 0,25, ví dụ 2; 2,25; 2,5 hoặc 2,75.")
    screenshot(page, "words-score-hint-vi")
    switch_language(page, "English")
    page.locator(f"#score-{line.id}-self_score").fill("abc")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.locator(f"#score-{line.id}-self_score-error")).to_have_text("Enter a score from 0 to 4, for example 2.75.")
    screenshot(page, "words-score-hint-en")

    page.goto("/nominations/")
    page.locator("#award-type").select_option(str(award("BK-BTVTU-TT").id))
    page.get_by_role("button", name="Start the nomination").click()
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.locator(".eyebrow")).to_have_text(f"{unit.name} · {unit.cluster.name} · Province-level award")
    screenshot(page, "words-nomination-en")
    switch_language(page, "Tiếng Việt")
    expect(page.locator(".eyebrow")).to_have_text(f"{unit.name} · {unit.cluster.name} · Khen thưởng cấp Tỉnh")
    screenshot(page, "words-nomination-vi")
