from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import Evidence, Role
from portal.clock import today as local_today
from portal.workspace.services import submit_score_line
from tests import factories
from tests.workspace.conftest import commitment_of, fresh, line_of, units  # noqa: F401  (fixture)

HX = {"HX-Request": "true"}


@pytest.fixture
def officers(units):
    return [factories.gen_user(role=Role.UNIT_OFFICER, unit=unit) for unit in units]


def submit(line, officer, score="3", explanation="Đã hoàn thành theo kế hoạch", evidence=True):
    """Put a line through the officer's real submission service."""
    line.self_score, line.explanation = Decimal(score), explanation
    if evidence:
        db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                                doc_number="12-BC/BTC", doc_date=local_today(), doc_issuer="Ban Tổ chức",
                                title="Báo cáo kết quả", uploaded_by_id=officer.id))
    db.session.flush()
    submit_score_line(line, officer, local_today())
    db.session.commit()
    return line


@pytest.fixture
def submitted(units, officers):
    """Three submitted score lines of unit A and one of unit B."""
    a, b = units
    lines = [submit(line_of(a, code), officers[0]) for code in ("1.1", "1.2", "2.1")]
    lines.append(submit(line_of(b, "1.1"), officers[1], score="6"))
    return lines
