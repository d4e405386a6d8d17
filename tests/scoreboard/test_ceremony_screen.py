"""Issue #11: the ceremony screen read from the back of the hall — full names everywhere, the awards
page by page, the organisation from the campaign's settings, incomplete units never classified."""
import re
from datetime import date
from types import SimpleNamespace

import pytest

from portal.ceremony import services as ceremony
from portal.ceremony.stages import award_pages, reveal_stages, stage_for
from portal.extensions import db
from portal.models import Nomination, NominationState, Role, ScoreState
from portal.scoreboard.services import read_state
from tests import factories
from tests.scoreboard.helpers import set_lines, unit

ROWS = [
    {"unit_id": i, "code": f"U{i}", "name": f"Ban Tổ chức Huyện ủy Số {i}", "short_name": f"Số {i}",
     "cluster": "Cụm 1" if i <= 2 else "Cụm 2", "cluster_id": 1 if i <= 2 else 2,
     "rank": i, "cluster_rank": 1 if i in (1, 3) else 2, "total": str(100 - i * 10), "tied": False}
    for i in (1, 2, 3, 4)
]


def fake_awards(*counts):
    """(award type, nominations) pairs as ``awarded`` returns them, with ``count`` people each."""
    pairs = []
    for index, count in enumerate(counts):
        award = SimpleNamespace(name=f"Bằng khen {index}")
        people = [SimpleNamespace(nominee=f"Người {index}.{n}", nominee_name=f"Người {index}.{n}",
                                  nominee_position="Chuyên viên", unit=SimpleNamespace(name="Ban Tổ chức Huyện ủy Số 1"))
                  for n in range(count)]
        pairs.append((award, people))
    return pairs


def test_awards_are_cut_into_pages_of_six_award_by_award():
    pages = award_pages(fake_awards(1, 8, 6))
    assert [(p.award.name, len(p.entries), p.page, p.pages) for p in pages] == [
        ("Bằng khen 0", 1, 1, 1), ("Bằng khen 1", 6, 1, 2), ("Bằng khen 1", 2, 2, 2), ("Bằng khen 2", 6, 1, 1)]
    assert pages[1].entries[0] == {"nominee": "Người 1.0", "position": "Chuyên viên", "unit": "Ban Tổ chức Huyện ủy Số 1"}


@pytest.mark.parametrize("pages,steps", [(0, 4 + 2 + 1), (1, 4 + 2 + 1), (4, 4 + 2 + 4)])
def test_every_award_page_is_a_step_of_the_reveal(pages, steps):
    assert reveal_stages(ROWS, pages) == steps


def test_the_award_steps_walk_the_pages_and_stop_on_the_last():
    pages = award_pages(fake_awards(1, 8))
    first_award_step = len(ROWS) + 2 + 1
    shown = [stage_for(ROWS, step, True, pages) for step in range(first_award_step, first_award_step + 5)]
    assert [s.kind for s in shown] == ["awards"] * 5
    assert [(s.award_page.award.name, s.award_page.page) for s in shown] == [
        ("Bằng khen 0", 1), ("Bằng khen 1", 1), ("Bằng khen 1", 2), ("Bằng khen 1", 2), ("Bằng khen 1", 2)]
    assert "Người 1.6" in shown[2].announcement
    assert stage_for(ROWS, first_award_step, True, []).award_page is None  # no decision yet: one page says so


def test_ranks_and_leaders_announce_the_full_names():
    assert stage_for(ROWS, 1, True).announcement == "4. Ban Tổ chức Huyện ủy Số 4 — 60"
    assert stage_for(ROWS, 5, True).announcement == "Cụm 1: Ban Tổ chức Huyện ủy Số 1"
    old = [{k: v for k, v in r.items() if k != "name"} for r in ROWS]  # frozen before full names were kept
    assert stage_for(old, 1, True).announcement == "4. Số 4 — 60"


@pytest.fixture
def admin(app):
    return factories.gen_user(role=Role.ADMIN)


def screen_at(client, campaign, admin, token, step):
    ceremony.step_reveal(campaign, admin, -10**6)
    ceremony.step_reveal(campaign, admin, step)
    db.session.commit()
    return client.get(f"/display/{token}").get_data(as_text=True)


def frozen_hall(campaign, admin):
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    ceremony.freeze(campaign, admin)
    db.session.commit()
    return token, len(read_state(campaign).frozen_standings)


def test_the_screen_names_every_unit_in_full_on_every_stage(client, campaign, admin):
    bh = unit("BH")
    set_lines(bh, campaign, {"1.1": (8, ScoreState.APPROVED)}, everything_else=ScoreState.APPROVED)
    award_type = next(a for a in campaign.award_types if a.code == "BK-BTVTU-CN")
    db.session.add(Nomination(campaign_id=campaign.id, unit_id=bh.id, award_type=award_type, nominee_name="Trần Thị Hoa",
                              nominee_position="Chuyên viên", achievements="x", state=NominationState.AWARDED,
                              created_by_id=admin.id))
    token, units = frozen_hall(campaign, admin)
    ranks = screen_at(client, campaign, admin, token, units)
    row = ranks.split(f'data-unit="{bh.id}"')[1].split("</li>")[0]
    assert '<span class="board__unit">Ban Tổ chức Thành ủy Biên Hòa</span>' in row
    leaders = screen_at(client, campaign, admin, token, units + 1)  # Cụm thi đua số 1 first
    assert '<span class="leader__unit">Ban Tổ chức Thành ủy Biên Hòa</span>' in leaders
    awards = screen_at(client, campaign, admin, token, units + 4)
    assert "Trần Thị Hoa" in awards and "Chuyên viên, Ban Tổ chức Thành ủy Biên Hòa" in awards
    assert "Khen thưởng cấp tỉnh · Cá nhân" in awards
    assert ceremony.reveal_stages(read_state(campaign).frozen_standings, 1) == units + 4


def test_an_incomplete_cluster_leader_is_never_revealed_as_classified(client, campaign, admin):
    """Xuân Lộc leads Cụm 2 with one approved item and the rest waiting: a total far below the
    "completed" threshold, which a classification would read as "did not complete tasks"."""
    set_lines(unit("XL"), campaign, {"1.1": (8, ScoreState.APPROVED), "1.2": (None, ScoreState.SUBMITTED)})
    token, units = frozen_hall(campaign, admin)
    leaders = screen_at(client, campaign, admin, token, units + 2)  # Cụm thi đua số 2
    card = leaders.split('class="leader__unit">Ban Tổ chức Huyện ủy Xuân Lộc')[1].split("</div>")[0]
    assert "chưa đủ điều kiện xếp loại" in card
    assert "Không hoàn thành" not in leaders and "Hoàn thành" not in card
    ranks = screen_at(client, campaign, admin, token, units)
    assert "Không hoàn thành" not in ranks.split(f'data-unit="{unit("XL").id}"')[1].split("</li>")[0]
    assert "board__legend" in ranks  # the hall is told what the star means
    assert "board__legend" not in screen_at(client, campaign, admin, token, 0)


def test_the_organisation_comes_from_the_campaign_settings(client, campaign, admin):
    campaign.organization_name = "Ban Tổ chức Tỉnh ủy Bình Phước"
    campaign.organization_place = "Bình Phước"
    campaign.theme = "Đoàn kết " * 60  # 540 characters: never cut
    campaign.ceremony_date = date(2026, 1, 15)
    db.session.commit()
    token, _units = frozen_hall(campaign, admin)
    title = screen_at(client, campaign, admin, token, 0)
    assert '<p class="stage__org">Ban Tổ chức Tỉnh ủy Bình Phước</p>' in title
    assert "Bình Phước, 15/01/2026" in title
    assert campaign.theme in title and "…" not in title
    assert "stage__theme--s" in title  # a long theme gets smaller type


def test_the_control_page_groups_the_controls_and_says_next(client, login_as, campaign, admin):
    login_as(Role.ADMIN)
    client.post("/scoreboard/control/freeze")
    page = client.get("/scoreboard/control").get_data(as_text=True)
    headings = re.findall(r'<h2 id="phase-\w+"><span class="ceremony-phase__number">\d</span> ([^<]+)</h2>', page)
    assert headings == ["Trước buổi lễ", "Trong buổi lễ", "Sau buổi lễ"]
    assert ">Tiếp theo</button>" in page and "Trang sau" not in page
