"""Search: Vietnamese-insensitive matching, document symbols, grouping, links, the access rules in
the query (per role and per kind), and the index following every write."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Comment, Criterion, Evidence, Nomination, NominationState, Role, SearchEntry, Unit
from portal.search import services
from portal.search.text import normalise, query_terms
from tests.helpers import award, line_of


def test_normalise_folds_diacritics_case_and_d():
    assert normalise("Biên Hòa") == "bien hoa"
    assert normalise("ĐẢNG ủy Đồng Nai") == "dang uy dong nai"
    assert normalise("125-KH/BTCTU") == "125 kh btctu"
    assert query_terms("  bien   125-KH/BTCTU ") == ["bien", "125 kh btctu"]


@pytest.fixture
def records(units, officers):
    """In each of the two units: an evidence with a document symbol, a person nominated, a comment."""
    made = {}
    for unit, officer, symbol, person, words in (
            (units[0], officers[0], "125-KH/BTCTU", "Nguyễn Thị Hường", "Đề nghị bổ sung biên bản họp chi bộ"),
            (units[1], officers[1], "88-BC/BTCTU", "Trần Văn Đức", "Đề nghị bổ sung biên bản họp chi bộ")):
        line = line_of(unit, "1.1")
        evidence = Evidence(campaign_id=line.campaign_id, unit_id=unit.id, criterion_id=line.criterion_id,
                            doc_number=symbol, doc_issuer="Ban Tổ chức", title=f"Kế hoạch kiểm tra {unit.short_name}",
                            uploaded_by_id=officer.id)
        nomination = Nomination(campaign_id=line.campaign_id, unit_id=unit.id, award_type=award("GK-BTCTU-CN"),
                                nominee_name=person, achievements="x", created_by_id=officer.id)
        comment = Comment(subject_type="score_line", subject_id=line.id, unit_id=unit.id, author_id=officer.id,
                          body=words)
        db.session.add_all([evidence, nomination, comment])
        db.session.flush()
        made[unit.code] = {"line": line, "evidence": evidence, "nomination": nomination, "comment": comment}
    db.session.commit()
    return made


def groups(client, query, **headers):
    response = client.get("/search/", query_string={"q": query}, headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = {}
    for kind in services.KINDS:
        section = re.search(rf'<section class="card search-group" aria-labelledby="search-{kind}">(.*?)</section>', html, re.S)
        if section:
            found[kind] = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section.group(1))
    return found


def titles(found, kind):
    return [title for _url, title in found.get(kind, [])]


def test_without_diacritics_finds_text_with_them(client, login_as, records):
    login_as(Role.REVIEWER)
    found = groups(client, "bien hoa")
    assert "Ban Tổ chức Thành ủy Biên Hòa" in titles(found, "unit")
    assert groups(client, "Biên Hòa")["unit"] == found["unit"]
    assert titles(groups(client, "huong"), "nomination") == ["Nguyễn Thị Hường"]
    assert titles(groups(client, "duc"), "nomination") == ["Trần Văn Đức"]  # đ ↔ d
    assert titles(groups(client, "ĐỨC"), "nomination") == ["Trần Văn Đức"]


def test_a_document_symbol_is_found_whole_and_by_its_start(client, login_as, records):
    login_as(Role.REVIEWER)
    found = groups(client, "125-KH/BTCTU")
    assert titles(found, "evidence") == ["Kế hoạch kiểm tra Biên Hòa"]
    line = records["BH"]["line"]
    assert found["evidence"][0][0] == f"/review/items/score_line/{line.id}"
    assert titles(groups(client, "125-kh"), "evidence") == ["Kế hoạch kiểm tra Biên Hòa"]
    # both symbols end in /BTCTU
    assert len(titles(groups(client, "btctu"), "evidence")) == 2
    assert titles(groups(client, "126-KH/BTCTU"), "evidence") == []


def test_results_are_grouped_by_kind_with_links(client, login_as, records, campaign):
    login_as(Role.ADMIN)
    found = groups(client, "dai hoi dang bo")
    assert set(found) == {"criterion"}
    assert "Chương trình công tác năm 2025 và đại hội đảng bộ các cấp" in titles(found, "criterion")
    group = db.session.execute(sa.select(Criterion).where(Criterion.campaign_id == campaign.id,
                                                          Criterion.code == "1")).scalar_one()
    assert (f"/reference/criteria#group-{group.id}", group.title) in found["criterion"]
    assert any(url.startswith("/reference/criteria#criterion-") for url, _title in found["criterion"])
    found = groups(client, "kiem tra")
    assert titles(found, "evidence") == ["Kế hoạch kiểm tra Long Khánh", "Kế hoạch kiểm tra Biên Hòa"]
    found = groups(client, "bien ban hop chi bo")
    assert len(found["comment"]) == 2
    assert found["comment"][0][0].startswith("/review/items/score_line/")
    nomination = records["BH"]["nomination"]
    assert ("/nominations/%d" % nomination.id, "Nguyễn Thị Hường") in groups(client, "huong")["nomination"]


@pytest.mark.parametrize("query,kind", [("bien hoa", "unit"), ("125-KH/BTCTU", "evidence"), ("88-BC", "evidence"),
                                        ("huong", "nomination"), ("duc", "nomination"),
                                        ("bien ban hop", "comment"), ("long khanh", "unit")])
def test_an_officer_finds_only_their_own_unit(client, login_as, records, units, query, kind):
    officer_of_bh = login_as(Role.UNIT_OFFICER, unit=units[0])
    found = groups(client, query)
    others = {"unit": [units[1].name], "evidence": ["Kế hoạch kiểm tra Long Khánh"],
              "nomination": ["Trần Văn Đức"], "comment": []}
    for title in others[kind]:
        assert title not in titles(found, kind)
    line_b = records["LK"]["line"]
    assert all(str(line_b.id) not in url for urls in found.values() for url, _ in urls)
    if kind == "comment":  # exactly one of the two identical comments: their own
        assert [url for url, _ in found["comment"]] == [f"/unit/score-lines/{records['BH']['line'].id}"]
    assert officer_of_bh.unit_id == units[0].id


def test_an_officer_still_finds_their_own_records(client, login_as, records, units):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    assert titles(groups(client, "125-KH/BTCTU"), "evidence") == ["Kế hoạch kiểm tra Biên Hòa"]
    assert titles(groups(client, "huong"), "nomination") == ["Nguyễn Thị Hường"]
    assert titles(groups(client, "bien hoa"), "unit") == ["Ban Tổ chức Thành ủy Biên Hòa"]


def test_the_council_finds_no_evidence_nor_comments_and_only_forwarded_nominations(client, login_as, records):
    login_as(Role.COUNCIL)
    assert groups(client, "125-KH/BTCTU") == {}
    assert groups(client, "bien ban hop") == {}
    assert titles(groups(client, "huong"), "nomination") == []
    nomination = records["BH"]["nomination"]
    nomination.state = NominationState.FORWARDED
    db.session.commit()
    assert titles(groups(client, "huong"), "nomination") == ["Nguyễn Thị Hường"]


def test_the_index_follows_create_rename_and_delete(client, login_as, records, units):
    login_as(Role.REVIEWER)
    assert groups(client, "xuan truong") == {}
    unit = db.session.get(Unit, units[1].id)
    unit.name, unit.short_name = "Ban Tổ chức Thành ủy Xuân Trường", "Xuân Trường"
    db.session.add(Nomination(campaign_id=records["LK"]["line"].campaign_id, unit_id=unit.id, nominee_name="",
                              award_type=award("GK-BTCTU-TT"), achievements="x", created_by_id=records["LK"]["evidence"].uploaded_by_id))
    db.session.commit()
    assert titles(groups(client, "long khanh"), "nomination") == []  # a unit's own nomination, by the unit's name
    assert titles(groups(client, "xuan truong"), "unit") == ["Ban Tổ chức Thành ủy Xuân Trường"]
    assert titles(groups(client, "long khanh"), "unit") == []
    assert titles(groups(client, "xuan truong"), "nomination") == ["Ban Tổ chức Thành ủy Xuân Trường"]
    evidence = db.session.get(Evidence, records["BH"]["evidence"].id)
    evidence.doc_number = "7-QĐ/TU"
    db.session.commit()
    assert titles(groups(client, "125-KH"), "evidence") == []
    assert titles(groups(client, "7-qd/tu"), "evidence") == ["Kế hoạch kiểm tra Biên Hòa"]
    db.session.delete(evidence)
    db.session.commit()
    assert groups(client, "7-qd/tu") == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry).where(
        SearchEntry.kind == "evidence", SearchEntry.object_id == records["BH"]["evidence"].id)) == 0


def test_rebuild_finds_the_same_as_the_live_index(client, login_as, records):
    from portal.search.index import rebuild

    login_as(Role.REVIEWER)
    before = {query: groups(client, query) for query in ("bien hoa", "125-KH/BTCTU", "duc", "bien ban")}
    count = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))
    assert rebuild(db.session.connection()) == count
    db.session.commit()
    assert {query: groups(client, query) for query in before} == before


def test_live_results_are_a_partial_and_the_page_works_without_javascript(client, login_as, records):
    login_as(Role.REVIEWER)
    page = client.get("/search/?q=bien+hoa")
    assert b"<html" in page.data and b'id="search-results"' in page.data
    partial = client.get("/search/?q=bien+hoa", headers={"HX-Request": "true", "HX-Target": "search-results"})
    assert partial.status_code == 200 and b"<html" not in partial.data
    assert partial.get_data(as_text=True).lstrip().startswith('<div id="search-results"')
    assert "HX-Request" in partial.headers["Vary"]


def test_short_and_odd_queries_are_answered_calmly(client, login_as, records):
    login_as(Role.REVIEWER)
    for query in ("a", "'", '"', "*", "%_", "AND OR NOT", "(", "x" * 500):
        response = client.get("/search/", query_string={"q": query})
        assert response.status_code == 200, query
    assert "ít nhất hai" in client.get("/search/?q=a").get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/search/?q=bien")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_header_search_box_is_a_get_form_to_the_search_page(client, login_as, campaign):
    login_as(Role.UNIT_OFFICER)
    html = client.get("/help/").get_data(as_text=True)
    assert re.search(r'<form class="header-search" role="search" method="get" action="/search/">', html)
