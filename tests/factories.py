"""Short data factories: ``gen_<thing>(**overrides)``; each adds to the session and flushes."""
from __future__ import annotations

import copy
import functools
import itertools
from datetime import date, timedelta

from werkzeug.security import generate_password_hash

from portal import clock
from portal.extensions import db
from portal.models import Campaign, CampaignState, Cluster, Role, Unit, UnitKind, User
from portal.reference.importer import Parsed, parse_directory, write_reference

PASSWORD = "correct horse 2025"
# A cheap hash keeps the suite fast; the real default (scrypt) is tested in test_accounts.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def gen_cluster(**kw) -> Cluster:
    n = next(_seq)
    cluster = Cluster(**{"code": f"C{n}", "name": f"Cụm thi đua {n}", "description": "", **kw})
    db.session.add(cluster)
    db.session.flush()
    return cluster


def gen_unit(**kw) -> Unit:
    n = next(_seq)
    if "cluster" not in kw:
        kw["cluster"] = gen_cluster()
    unit = Unit(**{
        "code": f"U{n}", "name": f"Ban Tổ chức Huyện ủy Số {n}", "short_name": f"Huyện {n}",
        "kind": UnitKind.DISTRICT_COMMITTEE, "valid_from": date(2025, 1, 1), **kw,
    })
    db.session.add(unit)
    db.session.flush()
    return unit


def gen_user(role: Role = Role.REVIEWER, unit: Unit | None = None, username: str | None = None, **kw) -> User:
    if role is Role.UNIT_OFFICER and unit is None:
        unit = gen_unit()
    n = next(_seq)
    user = User(
        username=username or f"{role.value.replace('_', '')}{n}",
        full_name=kw.pop("full_name", f"Cán bộ Số {n}"),
        role=role,
        unit=unit if role is Role.UNIT_OFFICER else None,
        password_hash=_FAST_HASH,
        **kw,
    )
    db.session.add(user)
    db.session.flush()
    if role is Role.UNIT_OFFICER:
        _prepare_workspace(unit)
    return user


def _prepare_workspace(unit: Unit) -> None:
    """An officer's account is set up with the unit's workspace in the current campaign (page views never create it)."""
    from portal.campaign.services import current_campaign
    from portal.workspace.services import ensure_workspace

    campaign = current_campaign()
    if campaign is not None:
        ensure_workspace(unit, campaign)


def gen_campaign(**kw) -> Campaign:
    today = clock.today()
    campaign = Campaign(**{
        "year": 2025, "name": "Phong trào thi đua năm 2025", "state": CampaignState.OPEN, "is_current": True,
        "registration_deadline": today + timedelta(days=20),
        "reporting_deadline": today + timedelta(days=60),
        "review_end": today + timedelta(days=75), **kw,
    })
    db.session.add(campaign)
    db.session.flush()
    return campaign


@functools.cache
def reference_2025() -> Parsed:
    """The real 2025 files, read and validated once per test session (each test's empty database
    knows no other cluster, so the result is the same every time)."""
    from portal.demo.services import DATA_2025

    return parse_directory(DATA_2025, 2025)


def gen_campaign_2025() -> Campaign:
    """The real 2025 reference data through the importer, opened as the current campaign."""
    gen_campaign()
    write_reference(copy.deepcopy(reference_2025()), 2025)
    db.session.commit()
    return db.session.execute(db.select(Campaign).where(Campaign.year == 2025)).scalar_one()
