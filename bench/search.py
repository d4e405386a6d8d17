"""Benchmark: search over the 100,000-item benchmark database (bench/review_queue.py's 100,000 queue
items across 1,000 units), with 100,000 evidence records, 20,000 comments and 2,000 nominations.

    .venv/bin/python bench/search.py [--items 100000] [--units 1000] [--repeat 30]

Prints, per request measured in-process (server time, no network): the median and p95, and the
speed relative to the minimal route (/healthz) measured in the same run.
Uses a temporary SQLite file, or $BENCH_DATABASE_URL (it is emptied!).
"""
from __future__ import annotations

import argparse
import random
from urllib.parse import quote

from common import make_app, measure_all, report
from review_queue import fill as fill_queue

TITLES = ["Kế hoạch kiểm tra công tác tổ chức xây dựng Đảng", "Báo cáo kết quả sơ kết 6 tháng",
          "Tờ trình đề nghị khen thưởng", "Biên bản họp chi bộ định kỳ", "Quyết định kiện toàn cấp ủy",
          "Hướng dẫn đánh giá, xếp loại chất lượng đảng viên", "Thông báo kết luận của Ban Thường vụ",
          "Chương trình công tác năm", "Đề án sắp xếp tổ chức bộ máy", "Báo cáo tổng kết công tác phát triển đảng viên"]
KINDS = ["KH", "BC", "TTr", "QĐ", "TB", "HD", "CV"]
ISSUERS = ["BTCTU", "BTCHU", "TU", "HU", "ĐU"]
PEOPLE = ["Nguyễn Thị Hường", "Trần Văn Đức", "Lê Minh Châu", "Phạm Quốc Bảo", "Hoàng Thị Biên", "Võ Đình Khải"]
REMARKS = ["Đề nghị bổ sung biên bản họp chi bộ", "Minh chứng chưa đúng tiêu chí, đề nghị thay thế",
           "Đã bổ sung văn bản theo yêu cầu", "Số liệu chưa khớp với báo cáo 6 tháng"]


def fill(app, items: int, units: int) -> dict:
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import (AwardType, Campaign, Comment, Criterion, CriterionKind, Evidence, Nomination, Role,
                               ScoreLine, Unit)
    from portal.search.index import rebuild
    from tests.factories import PASSWORD, gen_user

    info = fill_queue(app, items, units)
    rng = random.Random(7)
    with app.app_context():
        campaign = db.session.execute(sa.select(Campaign)).scalar_one()
        unit_ids = db.session.execute(sa.select(Unit.id).where(Unit.code.like("B0%")).order_by(Unit.id)).scalars().all()
        leaves = db.session.execute(sa.select(Criterion.id).where(Criterion.kind == CriterionKind.ITEM)).scalars().all()
        award = db.session.execute(sa.select(AwardType.id)).scalars().first()
        officer = gen_user(role=Role.UNIT_OFFICER, username="bench-officer",
                           unit=db.session.get(Unit, unit_ids[len(unit_ids) // 8]))
        db.session.commit()
        reviewer_id = db.session.execute(sa.select(sa.text("id FROM user_account WHERE username = 'bench-reviewer'"))).scalar()
        rows = []
        for i in range(items):
            rows.append({"campaign_id": campaign.id, "unit_id": unit_ids[i % len(unit_ids)],
                         "criterion_id": leaves[(i // len(unit_ids)) % len(leaves)],
                         "doc_number": f"{i % 997 + 1}-{rng.choice(KINDS)}/{rng.choice(ISSUERS)}",
                         "doc_issuer": "Ban Tổ chức", "title": rng.choice(TITLES),
                         "original_name": f"van-ban-{i}.pdf" if i % 3 == 0 else "", "uploaded_by_id": officer.id})
            if len(rows) == 5000:
                db.session.execute(sa.insert(Evidence), rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(Evidence), rows)
        # The symbol the benchmark looks for, in one unit's record.
        db.session.execute(sa.insert(Evidence), [{
            "campaign_id": campaign.id, "unit_id": unit_ids[len(unit_ids) // 8], "criterion_id": leaves[0],
            "doc_number": "125-KH/BTCTU", "doc_issuer": "Ban Tổ chức", "title": "Kế hoạch kiểm tra chuyên đề",
            "original_name": "", "uploaded_by_id": officer.id}])
        have = set(db.session.execute(sa.select(ScoreLine.unit_id).where(ScoreLine.criterion_id == leaves[0])).scalars())
        lines = [{"campaign_id": campaign.id, "unit_id": unit_id, "criterion_id": leaves[0]}
                 for unit_id in unit_ids if unit_id not in have]
        db.session.execute(sa.insert(ScoreLine), lines)
        line_ids = db.session.execute(sa.select(ScoreLine.id, ScoreLine.unit_id)).all()
        db.session.execute(sa.insert(Comment), [
            {"subject_type": "score_line", "subject_id": line_ids[i % len(line_ids)][0],
             "unit_id": line_ids[i % len(line_ids)][1], "author_id": reviewer_id, "body": rng.choice(REMARKS)}
            for i in range(items // 5)])
        db.session.execute(sa.insert(Nomination), [
            {"campaign_id": campaign.id, "unit_id": unit_ids[i % len(unit_ids)], "award_type_id": award,
             "nominee_name": rng.choice(PEOPLE), "achievements": "", "created_by_id": officer.id}
            for i in range(items // 50)])
        entries = rebuild(db.session.connection())
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        return {**info, "officer": officer.username, "officer_password": PASSWORD, "entries": entries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    app = make_app("search")
    info = fill(app, args.items, args.units)
    with app.app_context():
        from portal.extensions import db

        print(f"database: {db.engine.dialect.name}; {args.items:,} queue items and {args.items:,} evidence "
              f"records across {args.units:,} units; {info['entries']:,} index entries")

    def url(query: str) -> tuple[str, int]:
        return (f"/search/?q={quote(query)}", 200)

    queries = {
        "help page (same layout, no search)": ("/help/", 200),
        "search 'bien hoa' (no diacritics)": url("bien hoa"),
        "search 'Biên Hòa' (with diacritics)": url("Biên Hòa"),
        "search 'ke hoach kiem tra' (many hits)": url("ke hoach kiem tra"),
        "search '125-KH/BTCTU' (document symbol)": url("125-KH/BTCTU"),
        "search 'huong' (nominee, đ/d-free)": url("huong"),
        "search 'xyzzy' (nothing found)": url("xyzzy"),
    }
    for role, username, password in (("reviewer", info["username"], info["password"]),
                                      ("officer", info["officer"], info["officer_password"])):
        client = app.test_client()
        client.post("/login", data={"username": username, "password": password})
        print(f"\nas the {role}:")
        results = measure_all(client, {"minimal route (/healthz)": ("/healthz", 200), **queries}, args.repeat)
        report(results, "minimal route (/healthz)")


if __name__ == "__main__":
    main()
