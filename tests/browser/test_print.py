"""Printed pages: the organisation's header (from the campaign's settings), the date printed, page numbers;
no navigation, buttons or forms. Produced with Chromium's own print-to-PDF and read back with pypdf."""
from __future__ import annotations

import re
from io import BytesIO

from playwright.sync_api import expect
from pypdf import PdfReader

from portal.demo.services import DEMO_PASSWORD, seed_demo
from portal.extensions import db
from tests.browser.pages import ARTIFACTS, screenshot, sign_in

ORGANIZATION = "Ban Tổ chức Tỉnh ủy Thử Nghiệm"  # not the reference deployment's: proves it is read from the campaign
PLACE = "Thử Nghiệm"
PRINTED_PAGES = {  # name: (account, address)
    "scoreboard": ("admin", "/scoreboard/"),
    "award-list": ("admin", "/nominations/award-list"),
    "letter": ("admin", "/nominations/letter?level=province"),
    "scorecard": ("thamdinh", "/history/units/BH/{year}"),  # the demo campaign takes the year it is loaded in
    "self-scoring": ("bienhoa", "/unit/scores"),
}


def _demo_with_organization():
    campaign = seed_demo()
    campaign.organization_name = ORGANIZATION
    campaign.organization_place = PLACE
    db.session.commit()
    return campaign


def _to_english(page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _pdf_text(page, name: str = "") -> tuple[list[str], int]:
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if name:  # kept beside the screenshots, to look at
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    return [p.extract_text() for p in reader.pages], len(reader.pages)


def test_the_printed_scoreboard_names_the_organisation_and_numbers_its_pages(app, page):
    _demo_with_organization()
    sign_in(page, "admin", DEMO_PASSWORD)
    page.goto("/scoreboard/")
    expect(page.get_by_role("button", name="In")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Tải về XLSX")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_hidden()
    expect(page.get_by_role("button", name="In")).to_be_hidden()
    expect(page.locator("#print-header")).to_contain_text(ORGANIZATION, ignore_case=True)
    expect(page.locator("#print-header")).to_contain_text(re.compile(r"In lúc \d\d/\d\d/\d{4} \d\d:\d\d"))

    texts, count = _pdf_text(page, "print-scoreboard-vi")
    assert count >= 2, "16 units and the legend do not fit one landscape page"
    # Text read back from a PDF is spaced by the glyphs' positions, which depend on the fonts the
    # machine has (Liberation's accented capitals come out as "T Ổ  CH Ứ C"): compared without spaces.
    assert "".join(ORGANIZATION.upper().split()) in "".join(texts[0].split())  # printed in capitals
    assert "Tải về XLSX" not in "".join(texts) and "Quản trị" not in "".join(texts)
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {count}" in text, f"page {number} has no page number"


def test_every_printed_page_in_both_languages(app, browser, live_server):
    """Screenshots in print emulation of each page a board prints, in Vietnamese and English."""
    year = _demo_with_organization().year
    for name, (account, address) in PRINTED_PAGES.items():
        address = address.format(year=year)
        for language in ("vi", "en"):
            context = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768}, locale="vi-VN")
            page = context.new_page()
            try:
                sign_in(page, account, DEMO_PASSWORD)
                page.goto(address)
                if language == "en":
                    _to_english(page)
                print_button = page.locator("[data-print]")
                expect(print_button).to_be_visible()
                page.emulate_media(media="print")
                expect(print_button).to_be_hidden()
                expect(page.locator("nav.main-nav")).to_be_hidden()
                if name == "letter":  # the document carries its own organisation header
                    expect(page.locator(".document__head")).to_contain_text(ORGANIZATION.upper())
                    expect(page.locator(".document__head")).to_contain_text(PLACE)
                else:
                    expect(page.locator("#print-header")).to_contain_text(ORGANIZATION, ignore_case=True)
                texts, count = _pdf_text(page, f"print-{name}-{language}")
                assert f"1 / {count}" in texts[0], name
                screenshot(page, f"print-{name}-{language}")
            finally:
                context.close()


def test_the_header_and_sign_in_name_the_organisation(app, page):
    _demo_with_organization()
    page.goto("/login")
    expect(page.locator(".login__organization")).to_have_text(ORGANIZATION)
    expect(page.locator(".brand__sub")).to_have_text(ORGANIZATION)
    expect(page.locator(".site-footer")).to_contain_text(ORGANIZATION)
    screenshot(page, "sign-in-organisation-vi")
    _to_english(page)
    expect(page.locator(".login__organization")).to_have_text(ORGANIZATION)
    screenshot(page, "sign-in-organisation-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    sign_in(page, "thamdinh", DEMO_PASSWORD)
    expect(page.locator(".brand__sub")).to_have_text(ORGANIZATION)
    screenshot(page, "header-organisation-vi")
    _to_english(page)
    expect(page.locator(".brand__sub")).to_have_text(ORGANIZATION)
    screenshot(page, "header-organisation-en")
