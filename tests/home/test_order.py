"""Lists of names follow the Vietnamese alphabet (Đ after D), on SQLite and PostgreSQL alike."""
from portal.collation import vi_key
from portal.extensions import db
from portal.models import Role
from tests import factories


def test_reviewer_home_lists_clusters_in_vietnamese_order(client, campaign, login_as):
    for code, name in (("ZZ1", "Đảng bộ khối thử"), ("AA0", "Dân vận thử")):
        factories.gen_unit(cluster=factories.gen_cluster(code=code, name=name))
    db.session.commit()
    from portal.home.services import _ranked_units_by_cluster

    names = [cluster.name for cluster, _count in _ranked_units_by_cluster()]
    assert names == sorted(names, key=vi_key)
    login_as(Role.REVIEWER)
    assert client.get("/").status_code == 200


def test_queue_unit_filter_lists_units_in_vietnamese_order(client, campaign, login_as):
    login_as(Role.REVIEWER)
    page = client.get("/review/").get_data(as_text=True)
    start = page.index('id="f-unit"')
    options = page[start:page.index("</select>", start)]
    import re

    names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', options)
    assert len(names) > 5 and names == sorted(names, key=vi_key)


def test_reference_units_and_accounts_and_audit_filters_in_vietnamese_order(client, login_as, campaign):
    """Lists of units and people read in dictionary order: "Tân Phú" before "Thống Nhất" (their codes
    sort the other way), "Ân" after "An", "Đ" after every "D"."""
    from portal.models import Role

    login_as(Role.ADMIN)
    units_page = client.get("/reference/units").get_data(as_text=True)
    assert units_page.index("Huyện ủy Tân Phú") < units_page.index("Huyện ủy Thống Nhất")
    from tests import factories
    from portal.extensions import db

    for name in ("Đặng Văn Ba", "Dương Thị An", "Ân Văn Cường", "An Thị Dung"):
        factories.gen_user(role=Role.REVIEWER, full_name=name)
    db.session.commit()
    accounts = client.get("/admin/users").get_data(as_text=True)
    positions = [accounts.index(n) for n in ("An Thị Dung", "Ân Văn Cường", "Dương Thị An", "Đặng Văn Ba")]
    assert positions == sorted(positions)
    audit = client.get("/admin/audit/").get_data(as_text=True)
    positions = [audit.index(n) for n in ("An Thị Dung", "Ân Văn Cường", "Dương Thị An", "Đặng Văn Ba")]
    assert positions == sorted(positions)
