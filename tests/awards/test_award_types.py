"""Award types edited by the administrator: list, create, edit, remove, reorder; the rules the import shares;
nominations already made; conflicts; the closed campaign; every other role refused."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import (AuditEvent, AwardLevel, AwardType, Campaign, CampaignState, Classification, Nomination,
                           NominationState, NomineeKind, Role, Unit, VoteDenominator)
from tests import factories
from tests.helpers import award, fresh

COLUMNS = ("id", "code", "name", "nominee", "level", "rule_cluster_rank_max", "rule_min_classification",
           "rule_max_per_cluster", "rule_min_service_years", "rule_consecutive_excellent_years",
           "vote_threshold_percent", "vote_denominator", "required_documents", "position", "version")


def snapshot():
    db.session.expire_all()
    rows = db.session.execute(sa.select(AwardType).order_by(AwardType.id)).scalars()
    return [tuple(getattr(a, c) for c in COLUMNS) for a in rows], \
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def events(action):
    return db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


def url(campaign, a=None, tail="edit"):
    base = f"/admin/campaigns/{campaign.id}/award-types"
    return f"{base}/{a.id}/{tail}" if a is not None else f"{base}/{tail}"


def form_of(a, **changes):
    """What the edit form posts for award type ``a``, with ``changes``."""
    data = {"version": str(a.version), "code": a.code, "name": a.name, "nominee": a.nominee.value,
            "level": a.level.value, "vote_threshold_percent": str(a.vote_threshold_percent).replace(".", ","),
            "vote_denominator": a.vote_denominator.value, "required_documents": "\n".join(a.required_documents),
            "rule_min_classification": a.rule_min_classification.value if a.rule_min_classification else ""}
    for field in ("rule_cluster_rank_max", "rule_max_per_cluster", "rule_min_service_years",
                  "rule_consecutive_excellent_years"):
        value = getattr(a, field)
        data[field] = "" if value is None else str(value)
    data.update(changes)
    return data


def nominate(code, state, unit_code="BH", name="Trần Văn B"):
    a = award(code)
    unit = db.session.execute(sa.select(Unit).where(Unit.code == unit_code)).scalar_one()
    n = Nomination(campaign_id=a.campaign_id, unit_id=unit.id, award_type=a, achievements="x", state=state,
                   nominee_name=name if a.nominee is NomineeKind.INDIVIDUAL else "",
                   created_by_id=factories.gen_user().id)
    db.session.add(n)
    db.session.commit()
    return n


# --- Access ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_every_other_role_is_refused_on_every_route_and_nothing_changes(client, login_as, campaign, role):
    a = award("GK-BTCTU-TT")
    before = snapshot()
    login_as(role)
    routes = [("get", url(campaign, tail="")), ("get", url(campaign, tail="new")), ("post", url(campaign, tail="new")),
              ("get", url(campaign, a)), ("post", url(campaign, a)), ("post", url(campaign, a, "remove")),
              ("post", url(campaign, a, "move/up")), ("post", url(campaign, a, "move/down"))]
    for method, path in routes:
        response = getattr(client, method)(path, data=form_of(a, code="NEW", vote_threshold_percent="10"))
        assert response.status_code == 403, (method, path)
    assert snapshot()[0] == before[0]


def test_an_award_type_of_another_campaign_is_not_found(client, login_as, campaign):
    other = factories.gen_campaign(year=2024)
    db.session.commit()
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-TT")
    assert client.get(f"/admin/campaigns/{other.id}/award-types/{a.id}/edit").status_code == 404
    assert client.post(f"/admin/campaigns/{other.id}/award-types/{a.id}/remove",
                       data={"version": str(a.version)}).status_code == 404
    assert client.post(f"/admin/campaigns/{campaign.id}/award-types/{a.id}/move/sideways").status_code == 404
    assert fresh(a) is not None


# --- The list and the rules in plain words ------------------------------------------------------------

def test_list_shows_each_award_type_with_its_rules_in_plain_words(client, login_as, campaign):
    login_as(Role.ADMIN)
    page = client.get(url(campaign, tail="")).get_data(as_text=True)
    row = page.split(f'id="award-type-{award("CTD-BTCTW").id}"')[1].split("</tr>")[0]
    assert "Dẫn đầu cụm thi đua" in row and "Được xếp loại “Hoàn thành xuất sắc nhiệm vụ”" in row
    assert "Mỗi cụm thi đua đề nghị tối đa 1 trường hợp" in row and "Tờ trình" in row
    row = page.split(f'id="award-type-{award("BK-BTCTW-TT").id}"')[1].split("</tr>")[0]
    assert "Xếp hạng trong 3 đơn vị dẫn đầu cụm" in row
    row = page.split(f'id="award-type-{award("GK-BTCTU-TT").id}"')[1].split("</tr>")[0]
    assert "Được xếp loại từ “Hoàn thành tốt nhiệm vụ” trở lên" in row
    row = page.split(f'id="award-type-{award("KNC-XDTCD").id}"')[1].split("</tr>")[0]
    assert "Có ít nhất 10 năm công tác trong ngành" in row
    assert page.count('id="award-type-') == 7


def test_the_campaign_pages_link_to_the_award_types(client, login_as, campaign):
    login_as(Role.ADMIN)
    target = f'href="/admin/campaigns/{campaign.id}/award-types/"'
    assert target in client.get("/admin/campaigns/").get_data(as_text=True)
    assert target in client.get(f"/admin/campaigns/{campaign.id}/edit").get_data(as_text=True)


def test_the_edit_page_says_the_saved_rules_in_plain_words(client, login_as, campaign):
    login_as(Role.ADMIN)
    page = client.get(url(campaign, award("CTD-BTCTW"))).get_data(as_text=True)
    box = page.split('id="rules-in-words"')[1].split("</section>")[0]
    assert "Dẫn đầu cụm thi đua" in box and "90 %" in box


# --- Edit, create ------------------------------------------------------------------------------------

def test_admin_edits_threshold_denominator_and_documents_and_it_is_audited(client, login_as, campaign):
    admin = login_as(Role.ADMIN)
    a = award("BK-BTVTU-TT")
    response = client.post(url(campaign, a), data=form_of(
        a, vote_threshold_percent="66,67", vote_denominator="voters",
        required_documents="Tờ trình\r\n\r\n  Báo cáo thành tích  \r\nBiên bản họp Hội đồng\r\n"))
    assert response.status_code == 303
    saved = fresh(a)
    assert saved.vote_threshold_percent == Decimal("66.67") and saved.vote_denominator is VoteDenominator.VOTERS
    assert saved.required_documents == ["Tờ trình", "Báo cáo thành tích", "Biên bản họp Hội đồng"]
    assert saved.version == 2
    [event] = events("award_type_edited")
    assert event.actor_id == admin.id and event.subject_type == "award_type" and event.subject_id == a.id
    assert event.before["vote_threshold_percent"] == "70" and event.after["vote_threshold_percent"] == "66.67"
    assert set(event.after) == {"vote_threshold_percent", "vote_denominator", "required_documents"}


def test_saving_unchanged_values_changes_nothing(client, login_as, campaign):
    login_as(Role.ADMIN)
    a = award("BK-BTVTU-TT")
    before = snapshot()
    assert client.post(url(campaign, a), data=form_of(a)).status_code == 303
    assert snapshot() == before


def test_admin_creates_an_award_type_at_the_end_of_the_list(client, login_as, campaign):
    login_as(Role.ADMIN)
    response = client.post(url(campaign, tail="new"), data={
        "code": "GK-MOI", "name": "Giấy khen chuyên đề", "nominee": "individual", "level": "sector",
        "rule_min_service_years": "5", "rule_min_classification": "", "vote_threshold_percent": "50",
        "vote_denominator": "all_members", "required_documents": "Tờ trình\nBáo cáo thành tích cá nhân"})
    assert response.status_code == 303
    new = award("GK-MOI")
    assert response.headers["Location"].endswith(f"/award-types/{new.id}/edit")
    assert new.position == 7 and new.campaign_id == campaign.id and new.rule_min_service_years == 5
    assert new.level is AwardLevel.SECTOR and new.rule_cluster_rank_max is None
    assert new.required_documents == ["Tờ trình", "Báo cáo thành tích cá nhân"]
    assert len(events("award_type_created")) == 1


BAD_INPUTS = [
    ("vote_threshold_percent", "0", "lớn hơn 0"),
    ("vote_threshold_percent", "150", "100"),
    ("vote_threshold_percent", "66,666", "hai chữ số thập phân"),
    ("vote_threshold_percent", "bảy mươi", "12,5"),
    ("vote_threshold_percent", "", "Nhập tỷ lệ"),
    ("rule_cluster_rank_max", "0", "từ 1 đến 1000"),
    ("rule_cluster_rank_max", "-1", "số nguyên"),
    ("rule_max_per_cluster", "2,5", "số nguyên"),
    ("rule_consecutive_excellent_years", "31", "từ 1 đến 30"),
    ("rule_min_service_years", "5", "tập thể"),            # a collective award: service years are a person's
    ("rule_min_classification", "perfect", "Chọn một"),
    ("nominee", "team", "Chọn một"),
    ("vote_denominator", "", "Chọn một"),
    ("required_documents", "Tờ trình\nBáo cáo; Biên bản", "dấu chấm phẩy"),
    ("required_documents", "Tờ trình\ntờ trình", "hai lần"),
    ("required_documents", "x" * 201, "200"),
    ("name", "   ", "Nhập tên"),
    ("code", "C" * 33, "32"),
    ("code", "GK-BTCTU-CN", "GK-BTCTU-CN"),                # taken by another award type of the campaign
    ("name", "Giấy khen\x1b", "ký tự điều khiển"),
]


@pytest.mark.parametrize("field,value,words", BAD_INPUTS, ids=[f"{f}={v[:12]!r}" for f, v, _ in BAD_INPUTS])
def test_bad_input_is_shown_beside_the_field_kept_and_changes_nothing(client, login_as, campaign, field, value, words):
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-TT")
    before = snapshot()
    response = client.post(url(campaign, a), data=form_of(a, **{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert words in error, error
    assert 'aria-invalid="true"' in page.split(f'id="{field}"')[0].rsplit("<", 1)[1] + page.split(f'id="{field}"')[1][:200]
    if field not in ("nominee", "rule_min_classification", "vote_denominator") and value.strip() and "\x1b" not in value:
        assert value.split("\n")[0] in page  # what was typed is kept
    assert snapshot() == before


def test_a_new_award_type_with_bad_input_is_not_created(client, login_as, campaign):
    login_as(Role.ADMIN)
    before = snapshot()
    response = client.post(url(campaign, tail="new"), data={
        "code": "CTD-BTCTW", "name": "Trùng mã", "nominee": "collective", "level": "sector",
        "vote_threshold_percent": "50", "vote_denominator": "all_members", "rule_min_service_years": "3"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "tập thể" in page.split('id="rule_min_service_years-error">')[1].split("</p>")[0]
    assert snapshot() == before


def test_a_change_saved_meanwhile_is_a_conflict_and_nothing_is_saved(client, login_as, campaign):
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-TT")
    stale = form_of(a, vote_threshold_percent="55")
    assert client.post(url(campaign, a), data=form_of(a, name="Giấy khen (đã sửa)")).status_code == 303
    before = snapshot()
    response = client.post(url(campaign, a), data=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "người khác" in page and 'value="55"' in page
    assert snapshot() == before
    assert fresh(a).vote_threshold_percent == Decimal(50) and fresh(a).name == "Giấy khen (đã sửa)"


def test_a_form_without_its_version_is_refused(client, login_as, campaign):
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-TT")
    before = snapshot()
    data = form_of(a, vote_threshold_percent="55")
    del data["version"]
    assert client.post(url(campaign, a), data=data).status_code == 422
    assert client.post(url(campaign, a), data=dict(data, version="abc")).status_code == 422
    assert snapshot() == before


# --- Nominations already made --------------------------------------------------------------------------

def test_rules_change_after_a_submission_is_refused_with_the_nominations(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    a = award("BK-BTVTU-CN")
    nominate("BK-BTVTU-CN", NominationState.SUBMITTED, name="Nguyễn Thị Lan")
    nominate("BK-BTVTU-CN", NominationState.DRAFT, unit_code="LK", name="Lê Văn Nam")
    before = snapshot()
    for change in ({"rule_consecutive_excellent_years": "3"}, {"vote_threshold_percent": "60"},
                   {"level": "sector"},
                   {"vote_denominator": "voters"}, {"rule_max_per_cluster": "2"}):
        response = client.post(url(campaign, a), data=form_of(a, **change))
        assert response.status_code == 409, change
        page = response.get_data(as_text=True)
        blocking = page.split('id="blocking-nominations"')[1].split("</section>")[0]
        assert "Nguyễn Thị Lan" in blocking and "Ban Tổ chức Thành ủy Biên Hòa" in blocking
        assert "Lê Văn Nam" not in blocking  # a draft follows the new rules
        assert snapshot() == before


def test_name_and_documents_still_change_after_a_submission_and_are_audited(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    a = award("BK-BTVTU-CN")
    nominate("BK-BTVTU-CN", NominationState.FORWARDED)
    response = client.post(url(campaign, a), data=form_of(
        a, name="Bằng khen của Ban Thường vụ Tỉnh ủy (cá nhân, 2025)",
        required_documents="Tờ trình\nBáo cáo thành tích cá nhân\nBản sao quyết định"))
    assert response.status_code == 303
    saved = fresh(a)
    assert saved.name.endswith("2025)") and saved.required_documents[-1] == "Bản sao quyết định"
    [event] = events("award_type_edited")
    assert set(event.after) == {"name", "required_documents"}


def test_rules_may_change_while_nominations_are_drafts(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-TT")
    nominate("GK-BTCTU-TT", NominationState.DRAFT)
    assert client.post(url(campaign, a), data=form_of(a, rule_min_classification="excellent")).status_code == 303
    assert fresh(a).rule_min_classification is Classification.EXCELLENT


def test_even_a_draft_keeps_the_nominee_kind(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-CN")
    nominate("GK-BTCTU-CN", NominationState.DRAFT, name="Phạm Thị Hoa")
    before = snapshot()
    response = client.post(url(campaign, a), data=form_of(a, nominee="collective"))
    assert response.status_code == 409
    assert "Phạm Thị Hoa" in response.get_data(as_text=True).split('id="blocking-nominations"')[1]
    assert snapshot() == before


# --- Remove, reorder ---------------------------------------------------------------------------------

def test_removing_an_award_type_with_nominations_is_refused_with_them(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    a = award("GK-BTCTU-TT")
    nominate("GK-BTCTU-TT", NominationState.DRAFT, unit_code="LK")
    before = snapshot()
    response = client.post(url(campaign, a, "remove"), data={"version": str(a.version)})
    assert response.status_code == 409
    blocking = response.get_data(as_text=True).split('id="blocking-nominations"')[1].split("</section>")[0]
    assert "Ban Tổ chức Thành ủy Long Khánh" in blocking and "Dự thảo" in blocking
    assert snapshot() == before


def test_removing_an_unused_award_type_renumbers_the_rest_and_is_audited(client, login_as, campaign):
    login_as(Role.ADMIN)
    a = award("BK-BTVTU-TT")  # third of seven
    award_id = a.id
    response = client.post(url(campaign, a, "remove"), data={"version": str(a.version)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/award-types/")
    db.session.expire_all()
    left = db.session.get(Campaign, campaign.id).award_types
    assert [x.position for x in left] == list(range(6)) and "BK-BTVTU-TT" not in [x.code for x in left]
    [event] = events("award_type_removed")
    assert event.subject_id == award_id and event.before["code"] == "BK-BTVTU-TT"


def test_removing_with_a_stale_version_is_a_conflict(client, login_as, campaign):
    login_as(Role.ADMIN)
    a = award("BK-BTVTU-TT")
    assert client.post(url(campaign, a), data=form_of(a, name="Đổi tên")).status_code == 303
    before = snapshot()
    response = client.post(url(campaign, a, "remove"), data={"version": "1"})
    assert response.status_code == 409 and "người khác" in response.get_data(as_text=True)
    assert client.post(url(campaign, a, "remove"), data={"version": ""}).status_code == 303  # flashed, not removed
    assert snapshot() == before


def test_reorder_moves_one_place_and_keeps_the_ends(client, login_as, campaign):
    login_as(Role.ADMIN)
    codes = lambda: [x.code for x in db.session.execute(  # noqa: E731
        sa.select(AwardType).where(AwardType.campaign_id == campaign.id).order_by(AwardType.position)).scalars()]
    db.session.expire_all()
    start = codes()
    last = award(start[-1])
    assert client.post(url(campaign, last, "move/up")).status_code == 303
    db.session.expire_all()
    assert codes() == start[:5] + [start[6], start[5]]
    first = award(start[0])
    before = snapshot()
    assert client.post(url(campaign, first, "move/up")).status_code == 303  # already first: refused, flashed
    assert snapshot() == before
    assert len(events("award_type_moved")) == 1


# --- The closed campaign ------------------------------------------------------------------------------

def test_a_closed_campaign_s_award_types_do_not_change(client, login_as, campaign):
    login_as(Role.ADMIN)
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    a = award("BK-BTVTU-TT")
    before = snapshot()
    assert client.post(url(campaign, a), data=form_of(a, name="Khác")).status_code == 409
    assert client.post(url(campaign, tail="new"), data=form_of(a, code="NEW")).status_code == 409
    assert client.post(url(campaign, a, "remove"), data={"version": str(a.version)}).status_code == 409
    assert client.post(url(campaign, a, "move/up")).status_code == 303
    assert snapshot() == before
    page = client.get(url(campaign, tail="")).get_data(as_text=True)
    assert "đã kết thúc" in page and "move/up" not in page and "/new" not in page


def test_every_change_needs_the_csrf_token(database_url, tmp_path, app, campaign):
    import re

    from tests.conftest import make_test_app

    client = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True).test_client()
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": admin.username, "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 303
    a = award("GK-BTCTU-TT")
    before = snapshot()
    for path, data in ((url(campaign, a), form_of(a, name="Không token")), (url(campaign, tail="new"), form_of(a, code="X")),
                       (url(campaign, a, "remove"), {"version": str(a.version)}), (url(campaign, a, "move/down"), {})):
        assert client.post(path, data=data).status_code == 400, path
    assert snapshot() == before
    page = client.get(url(campaign, a)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url(campaign, a), data=form_of(a, name="Có token", csrf_token=token)).status_code == 303
    assert fresh(a).name == "Có token"
