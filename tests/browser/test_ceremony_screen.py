"""The ceremony screen from the back of the hall: every stage at four projector sizes, nothing cut or
overlapping, no text below 2.5 % of the screen's height; and the control page grouped by stage."""
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.ceremony import services as ceremony
from portal.demo.services import THEME
from portal.extensions import db
from portal.models import Criterion, CriterionKind, Nomination, NominationState, Role, ScoreState
from portal.scoreboard.services import read_state
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.scoreboard.helpers import set_lines
from tests.scoreboard.helpers import unit as unit_of

SIZES = ((1920, 1080), (1280, 720), (1024, 768), (1400, 1050))
PEOPLE = ["Nguyễn Thị Thanh Hương", "Trần Văn Bình", "Lê Hoàng Phương Thảo", "Phạm Minh Đức", "Võ Thị Ngọc Lan",
          "Đặng Quốc Khánh", "Huỳnh Thị Mỹ Dung", "Bùi Văn Trường"]

# Every element of the stage inside the screen and inside its own box, siblings in lists not
# overlapping, and the smallest text's size against the screen's height.
MEASURE = """() => {
  const vw = innerWidth, vh = innerHeight, problems = [];
  const name = el => el.className ? el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0] : el.tagName.toLowerCase();
  const visible = el => !el.closest('.sr-only') && el.getBoundingClientRect().width > 0;
  const all = [...document.querySelectorAll('#stage, #stage *')].filter(visible);
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1)
      problems.push(`${name(el)} outside the screen ${JSON.stringify([r.left, r.top, r.right, r.bottom])}`);
    if (getComputedStyle(el).display !== 'inline' && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      problems.push(`${name(el)} overflows its box (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ${el.textContent.trim().slice(0, 60)}`);
  }
  for (const list of document.querySelectorAll('#stage, .stage__hero, .board, .leaders, .leader, .leader__card, .award__list, .award__entry, .board__row')) {
    const kids = [...list.children].filter(visible).map(k => [k, k.getBoundingClientRect()]);
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      const [a, ra] = kids[i], [b, rb] = kids[j];
      if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
        problems.push(`${name(a)} overlaps ${name(b)}`);
    }
  }
  let smallest = 1e9, smallestText = '';
  for (const el of all) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest) { smallest = size; smallestText = el.textContent.trim().slice(0, 40); }
  }
  return {problems, smallest, smallestText, vh};
}"""


@pytest.fixture
def hall(app, campaign):
    """A frozen ceremony with scores that differ, one unit not fully reviewed, a long theme and awards
    of three types — one with more nominees than fit on a page."""
    campaign.theme = THEME
    campaign.organization_name = "Ban Tổ chức Tỉnh ủy Đồng Nai"
    campaign.ceremony_date = date(2026, 1, 15)
    items = db.session.execute(db.select(Criterion).where(Criterion.campaign_id == campaign.id,
                                                          Criterion.kind == CriterionKind.ITEM)).scalars().all()
    codes = ("BH", "LK", "LT", "NT", "TB", "VC", "CM", "DQ", "TP", "TN", "DB-CQD", "DB-UBND", "DU-QS", "DU-CA")
    for index, code in enumerate(codes):  # from 98 % of every item's maximum down to 46 %
        share = Decimal("0.98") - Decimal("0.04") * index
        set_lines(unit_of(code), campaign, {c.code: ((c.max_points * share * 4).quantize(Decimal(1)) / 4, ScoreState.APPROVED)
                                            for c in items}, everything_else=ScoreState.APPROVED)
    set_lines(unit_of("XL"), campaign, {"1.2": (2, ScoreState.SUBMITTED)})  # not yet classifiable
    creator = factories.gen_user(role=Role.ADMIN)
    awards = {a.code: a for a in campaign.award_types}

    def award(code, unit_code, person="", position=""):
        db.session.add(Nomination(campaign_id=campaign.id, unit_id=unit_of(unit_code).id, award_type=awards[code],
                                  nominee_name=person, nominee_position=position, achievements="x",
                                  state=NominationState.AWARDED, created_by_id=creator.id))

    award("CTD-BTCTW", "DB-UBND")
    award("BK-BTVTU-TT", "BH")
    award("BK-BTVTU-TT", "DU-CA")
    units = ("BH", "LK", "DB-UBND", "NT", "DB-CQD", "TB", "CM", "DU-QS")
    for person, code in zip(PEOPLE, units):
        award("BK-BTVTU-CN", code, person, "Phó Trưởng Ban Tổ chức")
    admin = factories.gen_user(role=Role.ADMIN)
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    ceremony.freeze(campaign, admin)
    db.session.commit()
    return campaign, admin, token


def walk(campaign, admin):
    """(step, name) of every stage worth looking at: the title, the first and the last rank, every
    cluster's leaders, every award page."""
    units = len(read_state(campaign).frozen_standings)
    last = ceremony.reveal_stages(read_state(campaign).frozen_standings, len(ceremony.award_screen_pages(campaign)))
    steps = [(0, "title"), (1, "rank-last"), (units, "ranks-all")]
    steps += [(step, f"leaders-{step - units}") for step in range(units + 1, units + 4)]
    steps += [(step, f"awards-{step - units - 3}") for step in range(units + 4, last + 1)]
    return steps


def set_step(campaign, admin, step):
    ceremony.step_reveal(campaign, admin, -10**6)
    ceremony.step_reveal(campaign, admin, step)
    db.session.commit()


def use_language(screen, lang):
    screen.goto("/login")
    screen.locator(f'.lang-switch button[lang="{lang}"]').click()
    screen.wait_for_load_state()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_stage_fits_every_projector(browser, live_server, hall, lang):
    campaign, admin, token = hall
    steps = walk(campaign, admin)
    assert [name for _, name in steps][-4:] == ["awards-1", "awards-2", "awards-3", "awards-4"]
    failures = []
    for width, height in SIZES:
        ctx = browser.new_context(base_url=live_server, viewport={"width": width, "height": height}, locale="vi-VN")
        try:
            screen = ctx.new_page()
            use_language(screen, lang)
            for step, name in steps:
                set_step(campaign, admin, step)
                screen.goto(f"/display/{token}")
                result = screen.evaluate(MEASURE)
                screenshot(screen, f"ceremony-{lang}-{width}x{height}-{step:02d}-{name}")
                where = f"{width}×{height} {name}"
                failures += [f"{where}: {problem}" for problem in result["problems"]]
                if result["smallest"] < 0.025 * height - 0.5:
                    failures.append(f"{where}: {result['smallest']}px text ({result['smallestText']!r}) "
                                    f"below 2.5 % of {height}px")
            # the whole theme, the organisation from the settings, the reveal in full names
            set_step(campaign, admin, 0)
            screen.goto(f"/display/{token}")
            expect(screen.locator(".stage__theme")).to_have_text(THEME)
            expect(screen.locator(".stage__org")).to_have_text(re.compile("Ban Tổ chức Tỉnh ủy Đồng Nai", re.I))
        finally:
            ctx.close()
    assert not failures, "\n".join(failures)


def test_the_award_pages_name_everyone_in_full(browser, live_server, hall):
    campaign, admin, token = hall
    steps = dict((name, step) for step, name in walk(campaign, admin))
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    try:
        screen = ctx.new_page()
        set_step(campaign, admin, steps["ranks-all"])
        screen.goto(f"/display/{token}")
        pending = screen.locator(f'.board__row[data-unit="{unit_of("XL").id}"]')
        expect(pending.locator(".board__unit")).to_have_text("Ban Tổ chức Huyện ủy Xuân Lộc")
        expect(pending.locator(".board__class")).to_have_text("chưa đủ điều kiện xếp loại")
        expect(screen.locator(".board__unit").first).to_have_text(re.compile("^Ban Tổ chức "))
        set_step(campaign, admin, steps["awards-3"])  # the individual award's first page: six of eight
        screen.goto(f"/display/{token}")
        expect(screen.locator(".award__type")).to_have_text("Bằng khen của Ban Thường vụ Tỉnh ủy (cá nhân)")
        expect(screen.locator(".award__level")).to_have_text(re.compile("Khen thưởng cấp tỉnh", re.I))
        expect(screen.locator(".award__entry")).to_have_count(6)
        expect(screen.locator(".award__list")).to_contain_text("Phó Trưởng Ban Tổ chức, Ban Tổ chức Huyện ủy Nhơn Trạch")
        # the control page follows the reveal and names the next button as the ceremony says it
        sign_in(screen, admin.username)
        screen.goto("/scoreboard/control")
        expect(screen.get_by_role("button", name="Tiếp theo")).to_be_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_control_page_is_grouped_by_stage(page, hall, lang):
    campaign, admin, token = hall
    set_step(campaign, admin, 3)
    sign_in(page, admin.username)
    page.goto("/scoreboard/control")
    if lang == "en":
        page.locator('.lang-switch button[lang="en"]').click()
        page.wait_for_url(re.compile("/scoreboard/control"))
    phases = page.locator(".ceremony-phase h2")
    expect(phases).to_have_count(3)
    label = page.locator("#link-label")
    # the label box shows its whole placeholder
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1 && el.clientWidth > 180")
    # no button touches the heading after it
    gaps = page.evaluate("""() => [...document.querySelectorAll('.ceremony-phase form')].map(form => {
        let next = form.nextElementSibling; while (next && !/^H[23]$/.test(next.tagName)) next = next.nextElementSibling;
        return next ? next.getBoundingClientRect().top - form.getBoundingClientRect().bottom : 99; })""")
    assert min(gaps) >= 12, gaps
    screenshot(page, f"ceremony-control-{lang}-1366")


def test_a_cluster_whose_five_units_share_first_place_still_fits(browser, live_server, campaign):
    for code in ("BH", "LT", "NT", "TB", "VC"):  # every unit of Cụm thi đua số 1, the same scores
        set_lines(unit_of(code), campaign, {"1.1": (8, ScoreState.APPROVED)}, everything_else=ScoreState.APPROVED)
    admin = factories.gen_user(role=Role.ADMIN)
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    ceremony.freeze(campaign, admin)
    units = len(read_state(campaign).frozen_standings)
    set_step(campaign, admin, units + 1)  # Cụm thi đua số 1's leaders
    failures = []
    for width, height in ((1024, 768), (1920, 1080)):
        ctx = browser.new_context(base_url=live_server, viewport={"width": width, "height": height}, locale="vi-VN")
        try:
            screen = ctx.new_page()
            screen.goto(f"/display/{token}")
            expect(screen.locator(".leader__unit")).to_have_count(5)
            result = screen.evaluate(MEASURE)
            failures += [f"{width}×{height}: {p}" for p in result["problems"]]
            if result["smallest"] < 0.025 * height - 0.5:
                failures.append(f"{width}×{height}: {result['smallest']}px text")
            screenshot(screen, f"ceremony-vi-{width}x{height}-leaders-five-tied")
        finally:
            ctx.close()
    assert not failures, "\n".join(failures)
