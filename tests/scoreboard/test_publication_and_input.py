"""Issue #9: the officer's link before publication (A12), bad input (B19), reference imports (C),
formula injection in the export (B16)."""
import csv
import io
import shutil

import pytest
from openpyxl import load_workbook

from portal.ceremony import services as ceremony
from portal.demo.services import DATA_2025
from portal.extensions import db
from portal.models import Role
from portal.reference.importer import import_directory
from tests import factories
from tests.scoreboard.helpers import unit


def publish(campaign, published=True):
    ceremony.set_published(campaign, factories.gen_user(role=Role.ADMIN), published)
    db.session.commit()


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.COUNCIL])
def test_the_scoreboard_link_appears_for_officers_only_once_published(client, login_as, campaign, role):
    login_as(role, unit=unit("BH") if role is Role.UNIT_OFFICER else None)
    assert 'href="/scoreboard/"' not in client.get("/", follow_redirects=True).get_data(as_text=True)
    publish(campaign)
    assert 'href="/scoreboard/"' in client.get("/", follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN])
def test_reviewers_always_have_the_scoreboard_link(client, login_as, campaign, role):
    login_as(role)
    assert 'href="/scoreboard/"' in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_a_typed_address_before_publication_gets_a_friendly_page(client, login_as, campaign):
    login_as(Role.UNIT_OFFICER, unit=unit("BH"))
    for path in ("/scoreboard/", "/scoreboard/export.xlsx"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 403
        assert 'class="main-nav"' in page  # the whole site around it
        assert "Bảng xếp hạng chưa được công bố" in page and "Khi được công bố" in page


@pytest.mark.parametrize("path,status", [
    ("/scoreboard/?view=²", 200), ("/scoreboard/?view=٣", 200), ("/scoreboard/?view=-1", 200),
    ("/scoreboard/?view=99999999999999999999", 200), ("/scoreboard/table?view=²&v=²", 200),
    ("/scoreboard/table?v=-5", 200), ("/scoreboard/control/links/²/revoke", 404),
    ("/scoreboard/control/links/0/revoke", 404), ("/scoreboard/control/reveal/²", 404),
    ("/display/%C2%B2/stage?v=%C2%B2", 404),
])
def test_odd_values_in_scoreboard_addresses_never_give_500(client, login_as, campaign, path, status):
    login_as(Role.ADMIN)
    method = client.post if "/revoke" in path or "/reveal/" in path else client.get
    assert method(path).status_code == status


def test_a_renamed_unit_appears_on_the_scoreboard_after_a_reference_import(client, login_as, campaign, tmp_path):
    login_as(Role.REVIEWER)
    assert "<strong>Biên Hòa</strong>" in client.get("/scoreboard/").get_data(as_text=True)  # rendered and cached
    directory = tmp_path / "2025"
    shutil.copytree(DATA_2025, directory)
    path = directory / "units-2025.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["code"] == "BH":
            row["short_name"] = "Biên Hòa mới"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_directory(directory, 2025)
    db.session.commit()
    assert "<strong>Biên Hòa mới</strong>" in client.get("/scoreboard/").get_data(as_text=True)


def test_unit_names_in_the_export_stay_text(client, login_as, campaign):
    risky = {"BH": "=HYPERLINK(\"http://x\")", "LK": "+1+1", "LT": "-2+3", "NT": "@SUM(A1)"}
    for code, name in risky.items():
        unit(code).name = name
    db.session.commit()
    login_as(Role.REVIEWER)
    for sheet in load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets:
        for cell in sheet["D"][1:]:
            assert cell.data_type == "s"
            if cell.value in risky.values():
                assert cell.quotePrefix
    overall = load_workbook(io.BytesIO(client.get("/scoreboard/export.xlsx").data)).worksheets[0]
    assert set(risky.values()) <= {c.value for c in overall["D"]}
