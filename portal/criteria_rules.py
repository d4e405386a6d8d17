"""The rules of a criteria tree, in one place: points in steps of 0.25, the items of a task group
add up to the group's maximum, the task groups to the campaign's scale, bonus and deduction items
fit under their group's cap, and every leaf hangs under a group of the matching kind.

Used by the reference import (a file that breaks them is refused) and by the criteria editor (the
tree page shows each problem beside the group or item it belongs to while the tree is being built).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from portal.models import GROUP_OF, CriterionKind

STEP = Decimal("0.25")
MAX_POINTS = Decimal(10000)  # exclusive; the column holds 6 digits with 2 decimals
MAX_CODE = 32


@dataclass(frozen=True)
class Node:
    """What the sums need of a criterion: its code, kind, maximum and its parent's code."""

    code: str
    kind: CriterionKind
    max_points: Decimal
    parent: str | None


@dataclass(frozen=True)
class SumProblem:
    """A broken sum, reported on the criterion ``code`` (its ``column``). ``rule`` is one of
    ``empty`` (a group without items), ``sum`` (items ≠ group), ``cap`` (a bonus or deduction item
    above its group's cap) and ``scale`` (task groups ≠ the campaign's scale)."""

    code: str
    column: str
    rule: str
    message: str


def plain_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def valid_points(value: Decimal | None) -> bool:
    """A maximum or score: from 0, below 10 000, in steps of 0.25."""
    return value is not None and value.is_finite() and 0 <= value < MAX_POINTS and value % STEP == 0


def parent_kind_fits(kind: CriterionKind, parent_kind: CriterionKind | None) -> bool:
    """A group has no parent; a leaf hangs under the group kind of :data:`GROUP_OF`."""
    if kind.is_group:
        return parent_kind is None
    return parent_kind is GROUP_OF[kind]


def children_total(nodes: Iterable[Node], group_code: str) -> Decimal:
    return sum((n.max_points for n in nodes if n.parent == group_code), Decimal(0))


def scored_total(nodes: Iterable[Node]) -> Decimal:
    """The sum of the task groups, which must equal the campaign's scale."""
    return sum((n.max_points for n in nodes if n.kind is CriterionKind.GROUP), Decimal(0))


def check_sums(nodes: list[Node], scale: Decimal,
               number: Callable[[Decimal], str] = plain_number) -> list[SumProblem]:
    """Every broken sum of the tree, in tree order; ``number`` formats the figures in the messages."""
    problems: list[SumProblem] = []
    groups = [n for n in nodes if n.kind.is_group]
    for group in groups:
        children = [n for n in nodes if n.parent == group.code]
        total = sum((c.max_points for c in children), Decimal(0))
        if not children:
            problems.append(SumProblem(group.code, "code", "empty",
                                       _("group '%(code)s' has no items", code=group.code)))
        elif group.kind is CriterionKind.GROUP and total != group.max_points:
            problems.append(SumProblem(group.code, "max_points", "sum", _(
                "the items of group '%(code)s' add up to %(total)s, not its maximum %(max)s",
                code=group.code, total=number(total), max=number(group.max_points))))
        elif group.kind is not CriterionKind.GROUP:
            for child in children:
                if child.max_points > group.max_points:
                    problems.append(SumProblem(child.code, "max_points", "cap", _(
                        "%(value)s is above the cap %(cap)s of '%(code)s'",
                        value=number(child.max_points), cap=number(group.max_points), code=group.code)))
    scored = [g for g in groups if g.kind is CriterionKind.GROUP]
    total = scored_total(nodes)
    if scored and total != scale:
        problems.append(SumProblem(scored[-1].code, "max_points", "scale", _(
            "the task groups add up to %(total)s, not the campaign's scale %(scale)s",
            total=number(total), scale=number(scale))))
    return problems
