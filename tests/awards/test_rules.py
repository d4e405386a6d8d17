"""The rules shared by the administrator's form and the reference import, and the rules in plain words."""
import shutil
from decimal import Decimal

import pytest

from portal.awards import rules
from portal.demo.services import DATA_2025
from portal.extensions import db
from portal.models import AwardType, Classification, NomineeKind, Role
from portal.reference.importer import ImportFailed, import_directory
from tests.helpers import award


@pytest.mark.parametrize("values,fields", [
    ({"vote_threshold_percent": Decimal(70), "nominee": NomineeKind.COLLECTIVE, "rule_cluster_rank_max": 3}, []),
    ({"vote_threshold_percent": Decimal(0)}, ["vote_threshold_percent"]),
    ({"vote_threshold_percent": Decimal("100.01")}, ["vote_threshold_percent"]),
    ({"vote_threshold_percent": Decimal("66.665")}, ["vote_threshold_percent"]),
    ({"vote_threshold_percent": Decimal(100)}, []),
    ({"rule_cluster_rank_max": 0}, ["rule_cluster_rank_max"]),
    ({"rule_max_per_cluster": 1001}, ["rule_max_per_cluster"]),
    ({"rule_min_service_years": 61, "nominee": NomineeKind.INDIVIDUAL}, ["rule_min_service_years"]),
    ({"rule_min_service_years": 10, "nominee": NomineeKind.INDIVIDUAL}, []),
    ({"rule_min_service_years": 10, "nominee": NomineeKind.COLLECTIVE}, ["rule_min_service_years"]),
    ({"rule_consecutive_excellent_years": 2, "nominee": NomineeKind.INDIVIDUAL}, []),
    ({"required_documents": ["Tờ trình", "TỜ TRÌNH"]}, ["required_documents"]),
    ({"required_documents": ["a;b"]}, ["required_documents"]),
    ({"required_documents": [f"Tài liệu {i}" for i in range(31)]}, ["required_documents"]),
    ({"required_documents": ["x" * 200]}, []),
    ({"rule_cluster_rank_max": None, "vote_threshold_percent": None, "required_documents": []}, []),
])
def test_shared_rules(app, values, fields):
    assert [field for field, _message in rules.problems(values)] == fields


def test_rules_in_plain_words(app):
    award_type = AwardType(rule_cluster_rank_max=1, rule_min_classification=Classification.EXCELLENT,
                           rule_max_per_cluster=2, rule_min_service_years=10, rule_consecutive_excellent_years=2)
    assert rules.rules_in_words(award_type) == [
        "Dẫn đầu cụm thi đua", "Được xếp loại “Hoàn thành xuất sắc nhiệm vụ”",
        "Mỗi cụm thi đua đề nghị tối đa 2 trường hợp", "Có ít nhất 10 năm công tác trong ngành",
        "Có 2 năm liên tục xếp loại Hoàn thành xuất sắc nhiệm vụ"]
    assert rules.requirement("rule_cluster_rank_max", 3) == "Xếp hạng trong 3 đơn vị dẫn đầu cụm"
    assert rules.requirement("rule_min_classification", Classification.GOOD) == \
        "Được xếp loại từ “Hoàn thành tốt nhiệm vụ” trở lên"
    assert rules.rules_in_words(AwardType()) == []


def test_the_reference_page_says_the_rules_the_same_way(client, login_as, campaign):
    login_as(Role.REVIEWER)
    page = client.get("/reference/award-types").get_data(as_text=True)
    assert "Dẫn đầu cụm thi đua" in page and "Xếp hạng trong 3 đơn vị dẫn đầu cụm" in page


# --- The import applies the same rules ------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_2025, target)
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def count():
    return db.session.scalar(db.select(db.func.count()).select_from(AwardType))


@pytest.mark.parametrize("old,new,line,column,words", [
    ("GK-BTCTU-TT,Giấy khen của Ban Tổ chức Tỉnh ủy (tập thể),collective,sector,,good,,,",
     "GK-BTCTU-TT,Giấy khen của Ban Tổ chức Tỉnh ủy (tập thể),collective,sector,,good,,5,", 6,
     "rule_min_service_years", "tập thể"),
    ("CTD-BTCTW,Cờ thi đua của Ban Tổ chức Trung ương,collective,central,1,",
     "CTD-BTCTW,Cờ thi đua của Ban Tổ chức Trung ương,collective,central,0,", 2, "rule_cluster_rank_max", "từ 1 đến"),
    ("KNC-XDTCD,Kỷ niệm chương Vì sự nghiệp xây dựng tổ chức Đảng,individual,central,,,,10,",
     "KNC-XDTCD,Kỷ niệm chương Vì sự nghiệp xây dựng tổ chức Đảng,individual,central,,,,99,", 8,
     "rule_min_service_years", "từ 1 đến 60"),
    ('"Tờ trình; Báo cáo thành tích cá nhân"\nKNC', '"Tờ trình; tờ trình"\nKNC', 7, "required_documents", "hai lần"),
])
def test_the_import_refuses_what_the_form_refuses(app, data_dir, old, new, line, column, words):
    edit(data_dir / "award-types-2025.csv", old, new)
    with pytest.raises(ImportFailed) as failure:
        import_directory(data_dir, 2025)
    found = [p for p in failure.value.problems if p.line == line and p.column == column]
    assert found and words in str(found[0]), failure.value.problems
    assert count() == 0


def test_the_2025_award_types_pass_the_shared_rules(campaign):
    assert award("BK-BTVTU-CN").rule_consecutive_excellent_years == 2  # individual, and allowed


def test_the_award_type_pages_speak_english_too(client, login_as, campaign):
    login_as(Role.ADMIN)
    client.post("/language/en", data={"next": "/"})
    page = client.get(f"/admin/campaigns/{campaign.id}/award-types/").get_data(as_text=True)
    assert "Leads its emulation cluster" in page and "Ranked among the top 3 units of its cluster" in page
    page = client.get(f"/admin/campaigns/{campaign.id}/award-types/{award('GK-BTCTU-TT').id}/edit").get_data(as_text=True)
    assert "Classified “Well fulfilled duties” or better" in page and "Rank in its cluster at best" in page
