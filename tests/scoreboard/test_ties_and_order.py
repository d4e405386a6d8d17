"""Issue #9 A3 and A13: a tied cluster has every leader at the ceremony and in the exports; names
sharing a rank, and clusters, stand in Vietnamese alphabetical order."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.ceremony import services as ceremony
from portal.ceremony.stages import cluster_leaders, reveal_stages, stage_for
from portal.extensions import db
from portal.models import Cluster, Role, ScoreState
from portal.scoreboard.services import read_state
from tests import factories
from tests.scoreboard.helpers import set_lines, unit

TIED = [  # cluster 1: A and B share first place; cluster 2: C leads alone
    {"unit_id": 1, "code": "A", "short_name": "Ơ Thành", "cluster": "Cụm 1", "cluster_id": 1, "rank": 1,
     "cluster_rank": 1, "total": "90", "tied": True},
    {"unit_id": 2, "code": "B", "short_name": "Ân Phú", "cluster": "Cụm 1", "cluster_id": 1, "rank": 1,
     "cluster_rank": 1, "total": "90", "tied": True},
    {"unit_id": 3, "code": "C", "short_name": "Đại Lộc", "cluster": "Cụm 2", "cluster_id": 2, "rank": 3,
     "cluster_rank": 1, "total": "80", "tied": False},
    {"unit_id": 4, "code": "D", "short_name": "Ưu Việt", "cluster": "Cụm 2", "cluster_id": 2, "rank": 4,
     "cluster_rank": 2, "total": "70", "tied": False},
]


def test_a_tied_cluster_shows_every_leader():
    assert reveal_stages(TIED) == 4 + 2 + 1  # one step per cluster, not per leader
    first = stage_for(TIED, 5, frozen=True)
    assert first.kind == "leaders"
    assert [u["short_name"] for u in first.leaders[0]["units"]] == ["Ân Phú", "Ơ Thành"]
    assert "Ân Phú" in first.announcement and "Ơ Thành" in first.announcement
    second = stage_for(TIED, 6, frozen=True)
    assert [[u["code"] for u in g["units"]] for g in second.leaders] == [["B", "A"], ["C"]]
    assert stage_for(TIED, 7, frozen=True).kind == "awards"


def test_units_sharing_a_rank_stand_in_vietnamese_order():
    assert [r["short_name"] for r in stage_for(TIED, 0, frozen=True).rows] == ["Ân Phú", "Ơ Thành", "Đại Lộc", "Ưu Việt"]
    assert [g["cluster"] for g in cluster_leaders(TIED)] == ["Cụm 1", "Cụm 2"]


@pytest.fixture
def tied_cluster(campaign):
    """Biên Hòa and Long Thành (both Cụm 1) share first place with the same approved scores."""
    for code in ("BH", "LT"):
        set_lines(unit(code), campaign, {"1.1": (8, ScoreState.APPROVED)}, everything_else=ScoreState.APPROVED)
    return unit("BH"), unit("LT")


def test_the_ceremony_snapshot_and_export_show_both_tied_leaders(client, login_as, campaign, tied_cluster):
    admin = factories.gen_user(role=Role.ADMIN)
    ceremony.freeze(campaign, admin)
    rows = read_state(campaign).frozen_standings
    ceremony.step_reveal(campaign, admin, len(rows) + 1)  # the first cluster's leaders
    db.session.commit()
    login_as(Role.ADMIN)
    snapshot = client.get("/scoreboard/control/snapshot.html").get_data(as_text=True)
    leaders = snapshot.split('class="leaders"')[1]
    assert "Biên Hòa" in leaders and "Long Thành" in leaders and "đồng hạng nhất" in leaders
    workbook = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data))
    cluster = db.session.get(Cluster, tied_cluster[0].cluster_id)
    sheet = workbook[cluster.name]
    top = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == 1]
    assert sorted(r[3] for r in top) == sorted(u.name for u in tied_cluster)
    assert all(r[1] == "có" for r in top)  # marked as a shared rank


def test_scoreboard_names_and_cluster_tabs_in_vietnamese_order(client, login_as, campaign):
    names = {"BH": "Ưu Đàm", "LT": "Đồng Xoài", "NT": "Ân Thịnh", "TB": "Ăn Khê"}
    for code, name in names.items():
        unit(code).short_name = name
    clusters = db.session.execute(sa.select(Cluster).order_by(Cluster.code)).scalars().all()
    for cluster, name in zip(clusters, ["Cụm Ơ", "Cụm Đ", "Cụm Â"]):
        cluster.name = name
    db.session.commit()
    login_as(Role.REVIEWER)
    body = client.get("/scoreboard/").get_data(as_text=True)  # everyone at 0: one shared rank
    positions = sorted((body.index(f"<strong>{n}</strong>"), n) for n in names.values())
    assert [n for _, n in positions] == ["Ăn Khê", "Ân Thịnh", "Đồng Xoài", "Ưu Đàm"]
    tabs = body.split('class="tabs"')[1].split("</nav>")[0]
    assert tabs.index("Cụm Â") < tabs.index("Cụm Đ") < tabs.index("Cụm Ơ")
