import pytest

from portal.models import Role


@pytest.mark.parametrize("role", list(Role))
def test_reference_pages_show_the_real_data(client, campaign, login_as, role):
    login_as(role)
    criteria = client.get("/reference/criteria").get_data(as_text=True)
    assert "Công tác thi đua, khen thưởng" in criteria and "Điểm thưởng" in criteria
    units = client.get("/reference/units").get_data(as_text=True)
    assert "Ban Tổ chức Huyện ủy Xuân Lộc" in units and "Khối các đảng bộ trực thuộc" in units
    awards = client.get("/reference/award-types").get_data(as_text=True)
    assert "Cờ thi đua của Ban Tổ chức Trung ương" in awards


def test_officer_home_names_the_unit_and_deadlines(client, campaign, login_as):
    from tests import factories

    unit = factories.gen_unit(code="X1", name="Ban Tổ chức Huyện ủy Thử")
    login_as(Role.UNIT_OFFICER, unit=unit)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Ban Tổ chức Huyện ủy Thử" in page
    assert campaign.registration_deadline.strftime("%d/%m/%Y") in page
    assert "ngày" in page  # days left


def test_language_switch(client, campaign, login_as):
    login_as(Role.REVIEWER)
    assert "Trang chủ" in client.get("/").get_data(as_text=True)
    response = client.post("/language/en", data={"next": "/reference/units"})
    assert response.status_code == 303 and response.headers["Location"] == "/reference/units"
    assert "Units and clusters" in client.get("/reference/units").get_data(as_text=True)
    client.post("/language/vi")
    assert "Đơn vị và cụm thi đua" in client.get("/reference/units").get_data(as_text=True)


def test_unknown_language_is_ignored(client, app):
    client.post("/language/fr")
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


def test_vietnamese_catalog_is_complete():
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[2] / "portal/translations/vi/LC_MESSAGES/messages.po"
    catalog = read_po(path.open("rb"))
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert missing == []


def test_home_counts_the_criteria(client, campaign, login_as):
    login_as(Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    assert "<dd>22</dd>" in page  # scored items of the 2025 set
    assert "<dd>17</dd>" in page  # of which need evidence
    assert "<dd>6</dd>" in page   # task groups
