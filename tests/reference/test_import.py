"""Import validates everything before writing anything; each error names file, line and column."""
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func

from portal.demo.services import DATA_2025
from portal.extensions import db
from portal.models import AwardType, Campaign, Cluster, Criterion, CriterionKind, Unit
from portal.reference.importer import ImportFailed, import_directory

ALL_MODELS = (Cluster, Unit, Campaign, Criterion, AwardType)


def counts():
    return {m.__name__: db.session.scalar(db.select(func.count()).select_from(m)) for m in ALL_MODELS}


@pytest.fixture
def data_dir(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_2025, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_real_2025_data_imports(app):
    summary = import_directory(DATA_2025, 2025)
    db.session.commit()
    assert summary.counts == {"clusters": 3, "units": 16, "criteria": 34, "award_types": 7}
    groups = db.session.execute(
        db.select(Criterion).where(Criterion.kind == CriterionKind.GROUP).order_by(Criterion.position)
    ).scalars().all()
    assert [g.code for g in groups] == ["1", "2", "3", "4", "5", "6"]
    assert sum(g.max_points for g in groups) == 100
    assert all(sum(c.max_points for c in g.children) == g.max_points for g in groups)
    board = db.session.execute(db.select(Unit).where(Unit.code == "BTC-TU")).scalar_one()
    assert board.cluster is None and not board.is_ranked
    flag = db.session.execute(db.select(AwardType).where(AwardType.code == "CTD-BTCTW")).scalar_one()
    assert flag.required_documents == ["Tờ trình", "Báo cáo thành tích", "Biên bản họp Hội đồng"]
    assert flag.rule_cluster_rank_max == 1 and flag.vote_threshold_percent == 90


def test_importing_twice_updates_instead_of_duplicating(app, data_dir):
    import_directory(data_dir, 2025)
    db.session.commit()
    before = counts()
    edit(data_dir / "units-2025.csv", "Ban Tổ chức Thành ủy Biên Hòa", "Ban Tổ chức Thành ủy Biên Hòa (mới)")
    import_directory(data_dir, 2025)
    db.session.commit()
    assert counts() == before
    assert db.session.execute(db.select(Unit.name).where(Unit.code == "BH")).scalar_one().endswith("(mới)")


# (file, text to replace, replacement, line, column, words of the message)
BAD_INPUTS = [
    ("units-2025.csv", "Biên Hòa,city_committee,CUM-1", "Biên Hòa,city_committee,CUM-9", 3, "cluster",
     "không có cụm thi đua"),
    ("units-2025.csv", "LK,Ban Tổ chức Thành ủy Long Khánh", "BH,Ban Tổ chức Thành ủy Long Khánh", 4, "code",
     "dòng 3"),
    ("clusters-2025.csv", "CUM-2,Cụm thi đua số 2", "CUM-1,Cụm thi đua số 2", 3, "code", "dòng 2"),
    ("criteria-2025.csv", "1.1,1,item,\"Xây dựng, triển khai Chương trình công tác năm 2025 đúng tiến độ, chất lượng\",8",
     "1.1,1,item,\"Xây dựng, triển khai Chương trình công tác năm 2025 đúng tiến độ, chất lượng\",7", 2, "max_points",
     "tổng điểm"),
    ("units-2025.csv", "LT,Ban Tổ chức Huyện ủy Long Thành,Long Thành,district_committee,CUM-1,2025-01-01",
     "LT,Ban Tổ chức Huyện ủy Long Thành,Long Thành,district_committee,CUM-1,2025-13-01", 5, "valid_from",
     "2025-13-01"),
    ("units-2025.csv", "DU-CA,Ban Tổ chức Đảng ủy Công an tỉnh,Đảng ủy Công an tỉnh,provincial_committee,KHOI-TT,2025-01-01,",
     "DU-CA,Ban Tổ chức Đảng ủy Công an tỉnh,Đảng ủy Công an tỉnh,provincial_committee,KHOI-TT,2025-01-01,2024-12-31",
     17, "valid_to", "kết thúc trước"),
    ("criteria-2025.csv", "3.6,3,item,\"Ứng dụng phần mềm Sổ tay đảng viên điện tử trong sinh hoạt chi bộ, đảng bộ\",2",
     "3.6,3,item,\"Ứng dụng phần mềm Sổ tay đảng viên điện tử trong sinh hoạt chi bộ, đảng bộ\",hai", 15, "max_points",
     "không phải là số"),
    ("criteria-2025.csv", "3.6,3,item,\"Ứng dụng phần mềm Sổ tay đảng viên điện tử trong sinh hoạt chi bộ, đảng bộ\",2",
     "3.6,3,item,\"Ứng dụng phần mềm Sổ tay đảng viên điện tử trong sinh hoạt chi bộ, đảng bộ\",1.1", 15, "max_points",
     "0,25"),
    ("criteria-2025.csv", "2.3,2,item", "2.3,9,item", 8, "parent", "'9'"),
    ("criteria-2025.csv", "B.1,B,bonus", "B.1,1,bonus", 31, "parent", "'1'"),
    ("criteria-2025.csv", "3.2,3,item,\"Đổi mới, nâng cao chất lượng sinh hoạt chi bộ\",4,yes",
     "3.2,3,item,\"Đổi mới, nâng cao chất lượng sinh hoạt chi bộ\",4,maybe", 11, "evidence_required", "maybe"),
    ("criteria-2025.csv", "B.1,B,bonus,\"Mô hình mới, cách làm hay được cấp trên công nhận\",3",
     "B.1,B,bonus,\"Mô hình mới, cách làm hay được cấp trên công nhận\",6", 31, "max_points", "mức trần"),
    ("units-2025.csv", "NT,Ban Tổ chức Huyện ủy Nhơn Trạch,Nhơn Trạch,district_committee",
     "NT,Ban Tổ chức Huyện ủy Nhơn Trạch,Nhơn Trạch,district", 6, "kind", "district"),
    ("award-types-2025.csv", "KNC-XDTCD,Kỷ niệm chương Vì sự nghiệp xây dựng tổ chức Đảng,individual,central,,,,10,,70",
     "KNC-XDTCD,Kỷ niệm chương Vì sự nghiệp xây dựng tổ chức Đảng,individual,central,,,,10,,170", 8,
     "vote_threshold_percent", "100"),
    ("award-types-2025.csv", "BK-BTVTU-TT,Bằng khen của Ban Thường vụ Tỉnh ủy (tập thể),collective,province,,excellent,,,2",
     "BK-BTVTU-TT,Bằng khen của Ban Thường vụ Tỉnh ủy (tập thể),collective,province,,excellent,,,-2", 4,
     "rule_consecutive_excellent_years", "-2"),
    ("units-2025.csv", "code,name,short_name,kind,cluster", "code,title,short_name,kind,cluster", 1, "name",
     "thiếu cột"),
]


@pytest.mark.parametrize("file,old,new,line,column,words", BAD_INPUTS,
                         ids=[f"{b[0]}:{b[4]}:{b[3]}" for b in BAD_INPUTS])
def test_bad_input_names_file_line_column_and_imports_nothing(app, data_dir, file, old, new, line, column, words):
    edit(data_dir / file, old, new)
    before = counts()
    with pytest.raises(ImportFailed) as failure:
        import_directory(data_dir, 2025)
    problems = failure.value.problems
    assert any(p.file == file and p.line == line and p.column == column for p in problems), problems
    message = str(next(p for p in problems if p.file == file and p.line == line and p.column == column))
    assert f"{file}, dòng {line}, cột {column}" in message
    assert words in message
    assert counts() == before


def test_all_problems_are_reported_at_once(app, data_dir):
    edit(data_dir / "units-2025.csv", "Biên Hòa,city_committee,CUM-1", "Biên Hòa,city_committee,CUM-9")
    edit(data_dir / "clusters-2025.csv", "CUM-2,Cụm thi đua số 2", "CUM-1,Cụm thi đua số 2")
    with pytest.raises(ImportFailed) as failure:
        import_directory(data_dir, 2025)
    assert {p.file for p in failure.value.problems} >= {"units-2025.csv", "clusters-2025.csv"}


def test_missing_file_is_reported(app, data_dir):
    (data_dir / "award-types-2025.csv").unlink()
    with pytest.raises(ImportFailed) as failure:
        import_directory(data_dir, 2025)
    assert failure.value.problems[0].file == "award-types-2025.csv"
    assert counts()["Unit"] == 0


def test_a_failing_write_leaves_nothing(app, runner, data_dir, monkeypatch):
    """Validation passed, then the database refuses a row: the import command commits nothing."""
    import portal.reference.importer as importer

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_write_criteria", broken)
    result = runner.invoke(args=["import", str(data_dir), "--year", "2025"])
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    db.session.rollback()
    assert all(n == 0 for n in counts().values())


def test_import_command_prints_problems_and_exits_nonzero(runner, data_dir):
    edit(data_dir / "units-2025.csv", "Biên Hòa,city_committee,CUM-1", "Biên Hòa,city_committee,CUM-9")
    result = runner.invoke(args=["import", str(data_dir), "--year", "2025"])
    assert result.exit_code == 1
    assert "units-2025.csv, dòng 3, cột cluster" in result.output
    assert "Chưa nhập được dữ liệu" in result.output
    assert counts()["Unit"] == 0


def test_import_command_imports(runner):
    result = runner.invoke(args=["import", str(DATA_2025), "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert counts()["Unit"] == 16


def test_import_earlier_classifications(runner, app, tmp_path):
    from portal.models import PastClassification

    import_directory(DATA_2025, 2025)
    db.session.commit()
    good = tmp_path / "classifications.csv"
    good.write_text("unit_code,year,classification\nBH,2023,excellent\nBH,2024,good\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("unit_code,year,classification\nBH,2023,excellent\nZZ,20x4,best\n", encoding="utf-8")
    result = runner.invoke(args=["import-classifications", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv, dòng 3, cột unit_code" in result.output and "bad.csv, dòng 3, cột year" in result.output
    assert db.session.scalar(db.select(func.count()).select_from(PastClassification)) == 0
    result = runner.invoke(args=["import-classifications", str(good)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(func.count()).select_from(PastClassification)) == 2
