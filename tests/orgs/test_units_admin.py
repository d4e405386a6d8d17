"""Units and clusters administered in the browser: create, rename, move, end with a successor,
clusters' names, members and order — every rule refused with the input kept and nothing changed,
every change audited, two administrators meeting the conflict message, and every other role 403."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.clock import today
from portal.extensions import db
from portal.models import AuditEvent, Campaign, CampaignState, Cluster, Role, Unit
from tests import factories

LAST_DAY = date(2025, 6, 30)  # the 2025 restructuring: the district level ended on 30 June


def unit(code) -> Unit:
    db.session.expire_all()
    return db.session.execute(sa.select(Unit).where(Unit.code == code)).scalar_one_or_none()


def cluster(code) -> Cluster:
    db.session.expire_all()
    return db.session.execute(sa.select(Cluster).where(Cluster.code == code)).scalar_one_or_none()


def fingerprint():
    """Every unit, cluster and audit event as the database has them."""
    db.session.expire_all()
    return {model.__tablename__: [tuple(r) for r in db.session.execute(
        sa.select(*model.__table__.columns).order_by(*model.__table__.primary_key.columns)).all()]
        for model in (Unit, Cluster, AuditEvent)}


def events(action):
    return db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


@pytest.fixture
def admin(login_as, campaign):
    return login_as(Role.ADMIN)


ROUTES = [("get", "/admin/units"), ("get", "/admin/units/new"), ("post", "/admin/units/new"),
          ("get", "/admin/units/{unit}"), ("post", "/admin/units/{unit}"), ("post", "/admin/units/{unit}/end"),
          ("get", "/admin/clusters"), ("post", "/admin/clusters/new"), ("get", "/admin/clusters/{cluster}"),
          ("post", "/admin/clusters/{cluster}"), ("post", "/admin/clusters/{cluster}/move/up"),
          ("post", "/admin/clusters/{cluster}/members"),
          ("post", "/admin/clusters/{cluster}/members/{unit}/remove")]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_every_units_and_clusters_page_refuses_every_other_role(client, login_as, campaign, role):
    bh, c1 = unit("BH"), cluster("CUM-1")
    login_as(role, unit=bh if role is Role.UNIT_OFFICER else None)
    before = fingerprint()
    for method, url in ROUTES:
        response = getattr(client, method)(url.format(unit=bh.id, cluster=c1.id), data={
            "code": "NEW", "name": "Mới", "short_name": "Mới", "kind": "district_committee", "valid_from": "2025-01-01",
            "valid_to": LAST_DAY.isoformat(), "version": "1", "unit_id": str(bh.id)})
        assert response.status_code == 403, (method, url)
    assert fingerprint() == before


# --- units --------------------------------------------------------------------------------------

def new_unit_data(**changes):
    data = {"code": "tnh", "name": "Ban Tổ chức Đảng ủy Tân Nhựt", "short_name": "Tân Nhựt", "kind": "district_committee",
            "cluster_id": str(cluster("CUM-2").id), "valid_from": "2025-07-01"}
    data.update(changes)
    return data


def test_admin_creates_a_unit_audited_and_listed(client, admin):
    response = client.post("/admin/units/new", data=new_unit_data())
    assert response.status_code == 303
    created = unit("TNH")  # the code is stored in capitals
    assert created.name == "Ban Tổ chức Đảng ủy Tân Nhựt" and created.cluster.code == "CUM-2"
    assert created.valid_from == date(2025, 7, 1) and created.valid_to is None
    [event] = events("unit_created")
    assert event.actor_id == admin.id and event.after["code"] == "TNH"
    page = client.get("/admin/units").get_data(as_text=True)
    assert 'id="unit-TNH"' in page and "Tân Nhựt" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"code": "BH"}, "code", "Mã BH đã được dùng cho một đơn vị khác"),
    ({"code": "bh "}, "code", "Mã BH đã được dùng cho một đơn vị khác"),
    ({"code": "TÂN NHỰT"}, "code", "chữ in hoa không dấu"),
    ({"code": ""}, "code", "Trường này là bắt buộc"),
    ({"name": "   "}, "name", "Trường này là bắt buộc"),
    ({"short_name": ""}, "short_name", "Trường này là bắt buộc"),
    ({"cluster_id": "99999"}, "cluster_id", "Hãy chọn một cụm trong danh sách"),
    ({"kind": "provincial_board"}, "cluster_id", "không xếp hạng trong cụm"),
    ({"valid_from": "31/02/2025"}, "valid_from", ""),
])
def test_creating_a_unit_refuses_bad_input_keeps_it_and_changes_nothing(client, admin, changes, field, message):
    before = fingerprint()
    data = new_unit_data(**changes)
    response = client.post("/admin/units/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert error.strip() and message in error, error
    assert 'value="Ban Tổ chức Đảng ủy Tân Nhựt"' in page or field == "name"
    assert fingerprint() == before


def edit_data(u, **changes):
    data = {"version": str(u.version), "name": u.name, "short_name": u.short_name,
            "cluster_id": str(u.cluster_id) if u.cluster_id else ""}
    data.update(changes)
    return data


def test_admin_renames_and_moves_a_unit_to_another_cluster(client, admin):
    bh, c2 = unit("BH"), cluster("CUM-2")
    response = client.post(f"/admin/units/{bh.id}", data=edit_data(bh, short_name="TP Biên Hòa"))
    assert response.status_code == 303 and unit("BH").short_name == "TP Biên Hòa"
    bh = unit("BH")
    response = client.post(f"/admin/units/{bh.id}", data=edit_data(bh, cluster_id=str(c2.id)))
    assert response.status_code == 303 and unit("BH").cluster.code == "CUM-2"
    assert events("unit_edited")[0].after == {"short_name": "TP Biên Hòa"}
    assert events("unit_moved")[0].before == {"cluster": "CUM-1"} and events("unit_moved")[0].after == {"cluster": "CUM-2"}
    section = client.get("/reference/units").get_data(as_text=True).split("(CUM-2)")[1].split("</section>")[0]
    assert "Ban Tổ chức Thành ủy Biên Hòa" in section


def second_admin_refused(client, first: tuple[str, dict], url: str, stale: dict) -> str:
    """The first administrator saves; the second posts a form loaded before that: the conflict
    message, nothing changed.  Returns the page the second one gets."""
    assert client.post(first[0], data=first[1]).status_code == 303
    before = fingerprint()
    response = client.post(url, data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "người khác thay đổi" in page
    assert fingerprint() == before
    return page


def test_two_administrators_editing_a_unit_the_second_gets_the_conflict(client, admin):
    bh = unit("BH")
    page = second_admin_refused(client, (f"/admin/units/{bh.id}", edit_data(bh, short_name="Biên Hòa 1")),
                                f"/admin/units/{bh.id}", edit_data(bh, name="Ban Tổ chức Thành ủy Biên Hòa (mới)"))
    assert 'value="Ban Tổ chức Thành ủy Biên Hòa (mới)"' in page


# --- ending a unit ------------------------------------------------------------------------------

def end_data(u, **changes):
    data = {"version": str(u.version), "valid_to": LAST_DAY.isoformat(), "successor_id": ""}
    data.update(changes)
    return data


def test_admin_ends_a_unit_with_a_successor_audited_and_the_scoreboard_moves_on(client, admin):
    from portal import live

    lt, bh = unit("LT"), unit("BH")
    version = live.current(live.SCOREBOARD)
    response = client.post(f"/admin/units/{lt.id}/end", data=end_data(lt, successor_id=str(bh.id)))
    assert response.status_code == 303
    lt = unit("LT")
    assert lt.valid_to == LAST_DAY and lt.successor.code == "BH"
    assert lt.cluster.code == "CUM-1" and lt.name  # the record stays whole
    [event] = events("unit_ended")
    assert event.after == {"valid_to": "2025-06-30", "successor": "BH"} and event.unit_id == lt.id
    assert live.current(live.SCOREBOARD) > version
    page = client.get(f"/admin/units/{lt.id}").get_data(as_text=True)
    assert "đã kết thúc hoạt động ngày 30/06/2025" in page.lower() and "Biên Hòa" in page


@pytest.mark.parametrize("changes, message", [
    ({"valid_to": "2024-12-31"}, "không thể trước ngày đơn vị bắt đầu"),
    ({"valid_to": (today() + timedelta(days=1)).isoformat()}, "không thể ở tương lai"),
    ({"valid_to": ""}, "Nhập ngày làm việc cuối cùng"),
    ({"valid_to": "hôm qua"}, ""),
    ({"successor_id": "self"}, "phải là một đơn vị khác"),
    ({"successor_id": "99999"}, "phải là một đơn vị khác"),
    ({"successor_id": "ended"}, "đã kết thúc"),
])
def test_ending_a_unit_refuses_bad_input_keeps_it_and_changes_nothing(client, admin, changes, message):
    lt, xl = unit("LT"), unit("XL")
    xl.valid_to = LAST_DAY
    db.session.commit()
    ids = {"self": str(lt.id), "ended": str(xl.id)}
    changes = {k: ids.get(v, v) for k, v in changes.items()}
    before = fingerprint()
    response = client.post(f"/admin/units/{lt.id}/end", data=end_data(unit("LT"), **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = "successor_id" if "successor_id" in changes else "valid_to"
    error = page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert error.strip() and message in error, error
    if changes.get("valid_to"):
        assert f'value="{changes["valid_to"]}"' in page
    assert fingerprint() == before


def test_a_unit_cannot_be_ended_twice_nor_in_a_closed_year(client, admin, campaign):
    lt = unit("LT")
    assert client.post(f"/admin/units/{lt.id}/end", data=end_data(lt)).status_code == 303
    before = fingerprint()
    response = client.post(f"/admin/units/{lt.id}/end", data=end_data(unit("LT"), valid_to="2025-09-30"))
    assert response.status_code == 409 and "không thể kết thúc hai lần" in response.get_data(as_text=True)
    assert fingerprint() == before
    db.session.get(Campaign, campaign.id).state = CampaignState.CLOSED
    db.session.commit()
    xl = unit("XL")
    before = fingerprint()
    response = client.post(f"/admin/units/{xl.id}/end", data=end_data(xl))
    assert response.status_code == 422 and "đã kết thúc và kết quả là chính thức" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_an_ended_unit_cannot_be_a_successor_so_successors_never_loop(client, admin):
    lt, bh = unit("LT"), unit("BH")
    assert client.post(f"/admin/units/{lt.id}/end", data=end_data(lt, successor_id=str(bh.id))).status_code == 303
    bh = unit("BH")
    before = fingerprint()
    response = client.post(f"/admin/units/{bh.id}/end", data=end_data(bh, successor_id=str(unit("LT").id)))
    assert response.status_code == 422 and "đã kết thúc" in response.get_data(as_text=True)
    assert fingerprint() == before
    # the form offers only units still working
    page = client.get(f"/admin/units/{bh.id}").get_data(as_text=True)
    assert f'<option value="{unit("LT").id}"' not in page.split('id="successor_id"')[1].split("</select>")[0]


def test_two_administrators_ending_a_unit_the_second_gets_a_clear_refusal(client, admin):
    lt = unit("LT")
    page = second_admin_refused(client, (f"/admin/units/{lt.id}", edit_data(lt, short_name="Long Thành cũ")),
                                f"/admin/units/{lt.id}/end", end_data(lt, valid_to="2025-05-31"))
    assert 'value="2025-05-31"' in page


# --- clusters -----------------------------------------------------------------------------------

def test_admin_creates_a_cluster_at_the_end_of_the_order(client, admin):
    response = client.post("/admin/clusters/new", data={"code": "cum-4", "name": "Cụm thi đua số 4",
                                                        "description": "Các đảng ủy mới"})
    assert response.status_code == 303
    created = cluster("CUM-4")
    assert created.position == max(c.position for c in db.session.execute(sa.select(Cluster)).scalars())
    assert events("cluster_created")[0].after == {"code": "CUM-4", "name": "Cụm thi đua số 4"}
    page = client.get("/admin/clusters").get_data(as_text=True)
    codes = [chunk.split('"')[0] for chunk in page.split('<tr id="cluster-')[1:]]
    assert codes[-1] == "CUM-4"


@pytest.mark.parametrize("data, field, message", [
    ({"code": "CUM-1", "name": "Cụm trùng"}, "code", "Mã CUM-1 đã được dùng cho một cụm khác"),
    ({"code": "CỤM 5", "name": "Cụm năm"}, "code", "chữ in hoa không dấu"),
    ({"code": "CUM-5", "name": " "}, "name", "Trường này là bắt buộc"),
])
def test_creating_a_cluster_refuses_bad_input_keeps_it_and_changes_nothing(client, admin, data, field, message):
    before = fingerprint()
    response = client.post("/admin/clusters/new", data={"description": "Ghi chú giữ lại", **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert "Ghi chú giữ lại" in page
    assert fingerprint() == before


def test_admin_renames_a_cluster_and_a_stale_form_is_a_conflict(client, admin):
    c1 = cluster("CUM-1")
    url = f"/admin/clusters/{c1.id}"
    page = second_admin_refused(client, (url, {"version": str(c1.version), "name": "Cụm thi đua thành phố",
                                               "description": "Hai thành phố"}),
                                url, {"version": str(c1.version), "name": "Cụm A", "description": ""})
    assert 'value="Cụm A"' in page
    assert cluster("CUM-1").name == "Cụm thi đua thành phố"
    assert events("cluster_edited")[0].after["name"] == "Cụm thi đua thành phố"


def test_the_clusters_order_is_followed_by_every_list(client, admin):
    order = [c.code for c in sorted(db.session.execute(sa.select(Cluster)).scalars(),
                                    key=lambda c: (c.position, c.name))]
    last = cluster(order[-1])
    response = client.post(f"/admin/clusters/{last.id}/move/up", data={"version": str(last.version)})
    assert response.status_code == 303
    expected = order[:-2] + [order[-1], order[-2]]
    page = client.get("/admin/clusters").get_data(as_text=True)
    assert [chunk.split('"')[0] for chunk in page.split('<tr id="cluster-')[1:]] == expected
    assert events("cluster_reordered")
    names = [cluster(code).name for code in expected]
    for url in ("/reference/units", "/scoreboard/", "/review/"):
        body = client.get(url).get_data(as_text=True)
        positions = [body.index(name) for name in names]
        assert positions == sorted(positions), url
    first = cluster(expected[0])
    before = fingerprint()
    client.post(f"/admin/clusters/{first.id}/move/up", data={"version": str(first.version)})
    assert fingerprint() == before


def test_admin_adds_and_removes_cluster_members(client, admin):
    c2, bh = cluster("CUM-2"), unit("BH")
    response = client.post(f"/admin/clusters/{c2.id}/members", data={"unit_id": str(bh.id)})
    assert response.status_code == 303 and unit("BH").cluster.code == "CUM-2"
    page = client.get(f"/admin/clusters/{c2.id}").get_data(as_text=True)
    assert 'id="member-BH"' in page
    before = fingerprint()
    response = client.post(f"/admin/clusters/{c2.id}/members", data={"unit_id": str(bh.id)})
    assert response.status_code == 409 and "đã ở trong cụm này" in response.get_data(as_text=True)
    board = unit("BTC-TU")
    response = client.post(f"/admin/clusters/{c2.id}/members", data={"unit_id": str(board.id)})
    assert response.status_code == 422
    assert fingerprint() == before
    bh = unit("BH")
    response = client.post(f"/admin/clusters/{c2.id}/members/{bh.id}/remove", data={"version": str(bh.version)})
    assert response.status_code == 303 and unit("BH").cluster_id is None
    assert [e.after for e in events("unit_moved")] == [{"cluster": "CUM-2"}, {"cluster": None}]


def test_a_stale_remove_is_a_conflict_and_changes_nothing(client, admin):
    c1, bh = cluster("CUM-1"), unit("BH")
    stale = str(bh.version)
    client.post(f"/admin/units/{bh.id}", data=edit_data(bh, short_name="Biên Hòa mới"))
    before = fingerprint()
    response = client.post(f"/admin/clusters/{c1.id}/members/{bh.id}/remove", data={"version": stale},
                           follow_redirects=True)
    assert "người khác thay đổi" in response.get_data(as_text=True)
    assert fingerprint() == before
