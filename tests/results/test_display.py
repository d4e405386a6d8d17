"""The official result's band on the scoreboard (cached per language and version) and on the
ceremony screen; the links to the result's page."""
from __future__ import annotations

from datetime import date

import pytest

from portal import clock
from portal.ceremony import services as ceremony
from portal.extensions import db
from portal.models import LevelScope, Role
from portal.results import services as results
from tests.results.conftest import add_level
from tests.scoreboard.helpers import unit

BAND = {"vi": "Kết quả chính thức", "en": "Official result"}


def speak(client, lang):
    with client.session_transaction() as session:
        session["lang"] = lang


def band_of(body: str) -> str | None:
    if 'data-official-result="1"' not in body:
        return None
    return body.split('data-official-result="1"')[1].split("</div>")[0]


@pytest.fixture
def admin(app):
    from tests import factories

    user = factories.gen_user(role=Role.ADMIN, full_name="Trần Quản Trị")
    db.session.commit()
    return user


def _approve(campaign, admin, number="45-QĐ/HĐTĐKT", day=date(2026, 1, 10)):
    results.approve(campaign, admin, number, day, results.result_of(campaign).version
                    if results.result_of(campaign) else 0)
    db.session.commit()


def test_the_band_follows_approval_and_unlocking_in_both_languages(client, login_as, ready, admin):
    login_as(Role.REVIEWER)
    for lang in ("vi", "en"):  # both languages rendered (and cached) before the approval
        speak(client, lang)
        assert band_of(client.get("/scoreboard/").get_data(as_text=True)) is None
    _approve(ready, admin)
    today = clock.today().strftime("%d/%m/%Y")
    speak(client, "vi")
    band = band_of(client.get("/scoreboard/").get_data(as_text=True))
    assert band is not None
    assert f"Kết quả chính thức</strong> — phê duyệt ngày {today} (Quyết định số 45-QĐ/HĐTĐKT ngày 10/01/2026)" in band
    speak(client, "en")
    band = band_of(client.get("/scoreboard/").get_data(as_text=True))
    assert f"Official result</strong> — approved on {today} (Decision No. 45-QĐ/HĐTĐKT of 10/01/2026)" in band
    assert "Kết quả" not in band
    # the poll of a page shown before the approval brings the band too
    speak(client, "vi")
    assert band_of(client.get("/scoreboard/table?v=0").get_data(as_text=True)) is not None
    results.unlock(ready, admin, "Sửa điểm mục 1.1 theo khiếu nại", results.result_of(ready).version)
    db.session.commit()
    for lang in ("vi", "en"):
        speak(client, lang)
        assert band_of(client.get("/scoreboard/").get_data(as_text=True)) is None
        assert band_of(client.get("/scoreboard/table?v=0").get_data(as_text=True)) is None
    _approve(ready, admin, number="", day=None)
    speak(client, "vi")
    band = band_of(client.get("/scoreboard/").get_data(as_text=True))
    assert f"phê duyệt ngày {today}</p>" in band and "Quyết định" not in band
    assert f"Điều chỉnh ngày {today} bởi Trần Quản Trị, lý do: Sửa điểm mục 1.1 theo khiếu nại" in band
    speak(client, "en")
    band = band_of(client.get("/scoreboard/").get_data(as_text=True))
    assert f"Corrected on {today} by Trần Quản Trị, reason: Sửa điểm mục 1.1 theo khiếu nại" in band


def test_the_public_sees_the_band_once_published(client, login_as, ready, admin):
    ceremony.set_published(ready, admin, True)
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=unit("BH"))
    assert band_of(client.get("/scoreboard/").get_data(as_text=True)) is None
    _approve(ready, admin)
    assert BAND["vi"] in band_of(client.get("/scoreboard/").get_data(as_text=True))


def test_the_ceremony_screen_shows_the_band(client, ready, admin):
    token = ceremony.create_display_link(ready, admin, "Hội trường")
    db.session.commit()
    assert band_of(client.get(f"/display/{token}").get_data(as_text=True)) is None
    _approve(ready, admin)
    body = client.get(f"/display/{token}").get_data(as_text=True)
    assert "Quyết định số 45-QĐ/HĐTĐKT" in band_of(body) and "stage__result" in body
    # the screen's poll sees the change (the scoreboard's counter moved)
    assert band_of(client.get(f"/display/{token}/stage?v=0").get_data(as_text=True)) is not None
    results.unlock(ready, admin, "Sửa điểm", results.result_of(ready).version)
    db.session.commit()
    assert band_of(client.get(f"/display/{token}").get_data(as_text=True)) is None


@pytest.mark.parametrize("who,linked", [("admin", True), ("reviewer", False), ("member", True), ("council", False)])
def test_the_scoreboard_links_the_result_for_its_approvers(client, login_as, ready, who, linked):
    role = {"admin": Role.ADMIN, "reviewer": Role.REVIEWER, "member": Role.REVIEWER, "council": Role.COUNCIL}[who]
    user = login_as(role)
    if who == "member":
        add_level(ready, 1, LevelScope.RANKING, members=[user])
    body = client.get("/scoreboard/").get_data(as_text=True)
    assert ('class="button" href="/results/"' in body) is linked


def test_council_members_find_the_result_in_the_navigation(client, login_as, campaign):
    login_as(Role.COUNCIL)
    nav = client.get("/results/").get_data(as_text=True).split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/results/"' in nav and "Kết quả chính thức" in nav
    login_as(Role.REVIEWER)
    nav = client.get("/results/").get_data(as_text=True).split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/results/"' not in nav


def test_the_hub_links_the_result(client, login_as, campaign):
    login_as(Role.ADMIN)
    assert 'href="/results/"' in client.get("/admin/").get_data(as_text=True)
