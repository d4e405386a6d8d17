"""The organisation header and the print layout, as rendered: the organisation's name and place come from the
campaign's settings (that year's campaign on a page about that year), the portal's setting before any campaign
exists; every page a board prints has a print button, the print header and its screen-only parts marked."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import CampaignState, Role
from tests import factories

NAME = "Ban Tổ chức Tỉnh ủy Thử Nghiệm"
PLACE = "Thử Nghiệm"


@pytest.fixture
def organised(campaign, units):
    campaign.organization_name = NAME
    campaign.organization_place = PLACE
    db.session.commit()
    return campaign


PRINTED = [  # (role, address, whose unit)
    (Role.ADMIN, "/scoreboard/", None),
    (Role.ADMIN, "/scoreboard/?view=1", None),
    (Role.ADMIN, "/nominations/award-list", None),
    (Role.REVIEWER, "/nominations/award-list", None),
    (Role.ADMIN, "/nominations/letter?level=province", None),
    (Role.REVIEWER, "/history/units/BH/2025", None),
    (Role.UNIT_OFFICER, "/unit/scores", "BH"),
]


def _print_header(html: str) -> str:
    match = re.search(r'<div class="print-header" id="print-header">(.*?)</div>', html, re.S)
    assert match, "no print header"
    return match.group(1)


@pytest.mark.parametrize("role, address, unit_code", PRINTED)
def test_a_printed_page_has_a_print_button_and_the_organisation_header(client, login_as, organised, units,
                                                                      role, address, unit_code):
    unit = next((u for u in units if u.code == unit_code), None)
    login_as(role, unit)
    html = client.get(address).get_data(as_text=True)
    assert 'data-print' in html and '>In</button>' in html
    header = _print_header(html)
    assert NAME in header and PLACE in header
    assert re.search(r"In lúc \d\d/\d\d/\d{4} \d\d:\d\d", header)
    assert NAME in re.search(r'class="brand__sub">(.*?)</span>', html).group(1)
    assert NAME in re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)


def test_the_scoreboard_marks_its_screen_only_parts(client, login_as, organised):
    login_as(Role.ADMIN)
    html = client.get("/scoreboard/").get_data(as_text=True)
    actions = re.search(r'<p class="actions no-print">(.*?)</p>', html, re.S).group(1)
    assert "Tải về XLSX" in actions and "data-print" in actions


def test_the_print_stylesheet_hides_the_screen_and_numbers_the_pages(client):
    css = client.get("/static/css/portal.css").get_data(as_text=True)
    block = css[css.index('part "print"'):]
    assert "counter(page)" in block and "counter(pages)" in block
    for hidden in (".no-print", ".print-button", ".main-nav", ".year-switch", "button", ".button"):
        assert hidden in block.split("display: none !important")[0]


def test_the_letter_heads_with_the_organisation_and_place(client, login_as, organised):
    login_as(Role.ADMIN)
    html = client.get("/nominations/letter?level=province").get_data(as_text=True)
    head = re.search(r'<header class="document__head">(.*?)</header>', html, re.S).group(1)
    assert NAME.upper() in head
    assert re.search(rf"{PLACE}, ngày \d\d tháng \d\d năm \d{{4}}", head)
    assert f"{NAME} kính trình" in html


def test_an_earlier_year_prints_that_year_s_organisation(client, login_as, organised):
    factories.gen_campaign(year=2024, is_current=False, state=CampaignState.CLOSED,
                           organization_name="Ban Tổ chức Năm Trước")
    db.session.commit()
    login_as(Role.ADMIN)
    html = client.get("/nominations/award-list?year=2024").get_data(as_text=True)
    assert "Ban Tổ chức Năm Trước" in _print_header(html)
    assert NAME in _print_header(client.get("/nominations/award-list").get_data(as_text=True))


def test_the_sign_in_page_names_the_current_campaign_s_organisation(client, organised):
    html = client.get("/login").get_data(as_text=True)
    assert f'<p class="login__organization">{NAME}</p>' in html
    assert f"Sử dụng tài khoản do {NAME} cấp." in html


def test_before_any_campaign_the_portal_setting_names_the_organisation(client, app):
    app.config["ORGANIZATION_NAME"] = "Cơ quan Cài đặt"
    html = client.get("/login").get_data(as_text=True)
    assert '<p class="login__organization">Cơ quan Cài đặt</p>' in html
    assert "Cơ quan Cài đặt" in re.search(r'class="brand__sub">(.*?)</span>', html).group(1)


def test_without_any_organisation_the_header_names_the_sector(client, app):
    app.config["ORGANIZATION_NAME"] = ""
    html = client.get("/login").get_data(as_text=True)
    assert "login__organization" not in html
    assert "Ngành Tổ chức xây dựng Đảng" in re.search(r'class="brand__sub">(.*?)</span>', html).group(1)
    assert "Sử dụng tài khoản do cơ quan cấp cho bạn." in html


def test_a_new_campaign_takes_the_portal_setting(app):
    app.config["ORGANIZATION_NAME"] = "Cơ quan Mặc định"
    app.config["ORGANIZATION_PLACE"] = "Nơi Mặc định"
    new = factories.gen_campaign(year=2031)
    assert (new.organization_name, new.organization_place) == ("Cơ quan Mặc định", "Nơi Mặc định")
