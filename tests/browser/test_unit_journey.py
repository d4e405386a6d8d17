"""A unit officer's year in the browser: pledge → evidence → self-score → submit."""

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, ScoreState, Unit
from tests import factories, samples
from tests.browser.pages import screenshot
from tests.browser.pages import sign_in
from portal.workspace.services import ensure_workspace
from tests.helpers import line_of


def test_officer_pledges_uploads_scores_and_submits(page, campaign, tmp_path):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    db.session.commit()
    sign_in(page, officer.username)
    expect(page.get_by_role("heading", name="Tiến độ theo nhóm nhiệm vụ")).to_be_visible()

    # 1. pledge for 1.1, saved inline when the field is left
    page.get_by_role("link", name="Đăng ký thi đua").first.click()
    row = page.locator(".pledge-row").first
    row.get_by_label("Chỉ tiêu").fill("Ban hành Chương trình công tác năm 2025 trước 31/01")
    row.get_by_label("Số lượng (không bắt buộc)").fill("1")
    row.get_by_label("Đơn vị tính").fill("chương trình")
    row.get_by_label("Đơn vị tính").press("Tab")
    expect(page.locator(".pledge-row").first.locator(".save-state")).to_have_text("Đã lưu.")
    url_before = page.url

    # 2. evidence for 1.1: a real PDF, uploaded with the progress bar form
    pdf = tmp_path / "Kế hoạch 12-KH-BTCTU.pdf"
    pdf.write_bytes(samples.pdf("Ke hoach"))
    line = line_of(unit, "1.1")
    page.goto(f"/unit/score-lines/{line.id}")
    page.locator(f"#files-{line.id}").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#evidence")).to_contain_text("Kế hoạch 12-KH-BTCTU.pdf")
    expect(page.locator("#evidence .save-state")).to_contain_text("Đã đính kèm 1 tệp")

    # 3. self-score: the provisional total follows the typing before anything is saved
    score = page.locator(f"#score-{line.id}-self_score")
    score.fill("7,5")
    expect(page.locator("#provisional-total .totals__value").first).to_have_text("7,5")
    score.fill("9")
    expect(page.locator(f"#score-{line.id}-self_score-error")).to_contain_text("vượt quá điểm tối đa 8")
    score.fill("7,75")
    page.locator(f"#score-{line.id}-explanation").fill("Đã ban hành Chương trình công tác số 12-CTr/BTCTU đúng hạn.")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(f"#score-{line.id} .save-state")).to_have_text("Đã lưu.")
    screenshot(page, "unit-item-1366")

    # 4. submit → read-only, submitted
    page.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(f"#score-{line.id}")).to_contain_text("Đã gửi")
    expect(page.locator(f"#score-{line.id}-self_score")).to_have_count(0)
    db.session.expire_all()
    assert line_of(unit, "1.1").state is ScoreState.SUBMITTED

    page.goto("/unit/")
    expect(page.locator(f"#item-{line.id}")).to_contain_text("Đã gửi")
    screenshot(page, "unit-dashboard-1366")
    page.goto("/unit/scores")
    screenshot(page, "unit-scores-1366")
    assert page.console_errors == []
    assert url_before.endswith("/unit/pledges")


def test_the_criterion_page_follows_the_state_and_a_refusal_is_beside_its_control(page, campaign, tmp_path):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    ensure_workspace(unit, campaign)
    db.session.commit()
    line = line_of(unit, "1.1")  # evidence required
    sign_in(page, officer.username)
    page.goto(f"/unit/score-lines/{line.id}")

    # a refused upload: said beside the upload control, and focused
    fake = tmp_path / "bao-cao.pdf"
    fake.write_bytes(b"MZ this is not a PDF at all")
    page.locator(f"#files-{line.id}").set_input_files(str(fake))
    page.get_by_role("button", name="Tải lên").click()
    error = page.locator(f"#files-error-{line.id}")
    expect(error).not_to_be_empty()
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    control, message = page.locator(f"#files-{line.id}").bounding_box(), error.bounding_box()
    assert 0 <= message["y"] - control["y"] < 120  # right under the control, not far above it
    screenshot(page, "unit-upload-refused-1366")

    # the score is saved; "evidence is required" goes away as soon as a file is attached
    page.locator(f"#score-{line.id}-self_score").fill("7")
    page.locator(f"#score-{line.id}-explanation").fill("Đã ban hành kế hoạch đúng hạn.")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(f"#score-{line.id} .save-state")).to_have_text("Đã lưu.")
    expect(page.locator(f"#ready-{line.id}")).to_contain_text("minh chứng")
    expect(page.get_by_role("button", name="Lưu dự thảo")).to_be_focused()  # focus stays where it was
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(samples.pdf("Ke hoach"))
    page.locator(f"#files-{line.id}").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#evidence")).to_contain_text("ke-hoach.pdf")
    expect(page.locator(f"#ready-{line.id}")).to_be_empty()

    # submitted: the header badge, the upload and remove controls follow without a reload
    expect(page.locator(f"#line-state-{line.id}")).to_have_text("Dự thảo")
    page.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(f"#line-state-{line.id}")).to_have_text("Đã gửi")
    expect(page.locator(f"#files-{line.id}")).to_have_count(0)
    expect(page.locator("#evidence").get_by_role("button", name="Gỡ bỏ")).to_have_count(0)
    expect(page.locator("#history")).to_contain_text("gửi thẩm định")  # the history follows too, as a sentence
    assert page.evaluate("document.activeElement !== document.body")
    screenshot(page, "unit-item-submitted-1366")
    unexpected = [e for e in page.console_errors if "status of 422" not in e]  # the refused upload's answer
    assert unexpected == [], unexpected
