"""How far each unit's scorecard has come through a review chain of several levels, for the
scoreboard's progress column and its export (issue #12).

Read from what the standings already hold (the unit's lines counted by state and level, one grouped
query): no query of its own besides the campaign's chain, which the request remembers.  The stage is
stored as plain values in the standings rows (so a frozen board keeps it) and worded in the viewer's
language when the table is rendered.

A unit stands at the lowest level one of its lines has still to pass: the first level while a
scored item is not submitted yet (missing, draft or returned), else the lowest level a submitted
line waits at; once nothing waits and every scored item is approved at the last level it is
"approved at every level"."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.models import LevelScope, ScoreState
from portal import chain

ITEMS, SCORECARD, DONE = "items", "scorecard", "done"


def stage(standing, score_levels: list) -> dict:
    """{"stage": items | scorecard | done, "position", "level" (its name), "passed", "total"}:
    ``passed`` of ``total`` scored items have passed the level the unit stands at."""
    scored, claims = standing.scored_lines, standing.claim_lines
    total = standing.scored_items
    if standing.complete:
        return {"stage": DONE, "position": None, "level": "", "passed": total, "total": total}
    submitted = [level for (state, level), count in (scored + claims).items()
                 if state is ScoreState.SUBMITTED and count]
    in_chain = sum(count for (state, _level), count in scored.items()
                   if state in (ScoreState.SUBMITTED, ScoreState.APPROVED))
    first = score_levels[0]
    position = first.position if in_chain < total or not submitted else min(submitted)
    level = next((lv for lv in score_levels if lv.position >= position), score_levels[-1])
    passed = sum(count for (state, at), count in scored.items()
                 if state is ScoreState.APPROVED or (state is ScoreState.SUBMITTED and at > level.position))
    return {"stage": SCORECARD if level.scope is LevelScope.SCORECARD else ITEMS, "position": level.position,
            "level": level.name, "passed": passed, "total": total}


def chain_stages(campaign, standings) -> dict[int, dict] | None:
    """unit id → its stage, or None when the campaign's chain has one level (no column then)."""
    if not chain.is_multilevel(campaign):
        return None
    levels = chain.score_levels(campaign)
    if not levels:
        return None
    return {s.unit.id: stage(s, levels) for s in standings.units}


def stage_text(progress: dict | None) -> str:
    """The column's words: "Chuyên viên thẩm định: 18/22 mục", "Chờ Lãnh đạo Ban ký duyệt",
    "Đã duyệt đủ các cấp"."""
    if not progress:
        return ""
    if progress["stage"] == DONE:
        return _("Approved at every level")
    if progress["stage"] == SCORECARD:
        return _("Waiting for sign-off by %(level)s", level=progress["level"])
    return _("%(level)s: %(passed)s/%(total)s items", level=progress["level"], passed=progress["passed"],
             total=progress["total"])
