"""Every action the code can write into the audit trail has a label and a sentence, in both languages.

The action names are collected from the code itself: every call of the audit ``append`` (and its
wrappers) and of ``workflow.apply``/``workflow.record``.  A literal is taken as is; a conditional
gives both branches; a local variable is resolved from its assignments in the same function; a
wrapper's parameter is skipped (its callers are scanned).  Anything else fails the test, so a new kind
of call site is noticed rather than silently missed.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal.campaign.services import TRANSITIONS as CAMPAIGN_TRANSITIONS
from portal.labels import ACTION_SENTENCES, HISTORY_LABELS
from portal.workflow import SUBJECT_TYPES, TRANSITIONS

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# Audit writers: the function name and the position of its action argument.
WRITERS = {"append": 0, "audit": 0, "_changed": 0}
WORKFLOW = {"apply": 1, "record": 1}


def _action_arg(call: ast.Call, path: Path):
    func = call.func
    if isinstance(func, ast.Name) and func.id in WRITERS and path.parent.name != "audit":
        index = WRITERS[func.id]
    elif isinstance(func, ast.Name) and func.id == "_audit":
        # the wrappers take (action, …) or (obj, action, …): the action is the first string-like argument
        index = 0 if isinstance(call.args[0], (ast.Constant, ast.JoinedStr, ast.IfExp)) else 1
        if isinstance(call.args[0], ast.Name) and call.args[0].id == "action":
            index = 0
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "workflow" \
            and func.attr in WORKFLOW:
        index = WORKFLOW[func.attr]
    else:
        return None
    return call.args[index] if len(call.args) > index else None


def _constants(node, function, problems, where) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body, function, problems, where) | _constants(node.orelse, function, problems, where)
    if isinstance(node, ast.JoinedStr):
        prefix = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if prefix == "campaign_":  # campaign.services._move: f"campaign_{action}" over its transition table
            return {f"campaign_{name}" for name in CAMPAIGN_TRANSITIONS}
    if isinstance(node, ast.Name) and function is not None:
        params = {a.arg for a in function.args.args + function.args.kwonlyargs}
        if node.id in params:
            return set()  # a wrapper: its callers are scanned
        found: set[str] = set()
        for inner in ast.walk(function):
            if isinstance(inner, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in inner.targets):
                found |= _constants(inner.value, None, problems, where)
        if found:
            return found
    problems.append(f"{where}: cannot tell the action of {ast.unparse(node)}")
    return set()


def written_actions() -> set[str]:
    actions: set[str] = set()
    problems: list[str] = []
    for path in PORTAL.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for function in functions:
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    arg = _action_arg(node, path)
                    if arg is not None:
                        actions |= _constants(arg, function, problems, f"{path.name}:{node.lineno}")
    assert not problems, problems
    return actions


def test_the_collector_finds_actions_of_every_area():
    actions = written_actions()
    # one of each writer, so that a broken collector cannot pass the test below by finding nothing
    for expected in ("save", "submit", "adjust", "comment", "vote", "campaign_open", "campaign_close", "reopen",
                     "criterion_moved", "unit_moved", "unit_edited", "cluster_reordered", "award_type_removed",
                     "reference_import", "create_account", "disable_account", "enable_account", "freeze",
                     "unpublish", "display_link", "approve", "reject"):
        assert expected in actions, expected


def _has_sentence(action: str) -> bool:
    return action in ACTION_SENTENCES or any(key.split(":")[1] == action for key in ACTION_SENTENCES if ":" in key)


def test_every_written_action_has_a_label_and_a_sentence():
    missing = sorted(a for a in written_actions() if a not in HISTORY_LABELS or not _has_sentence(a))
    assert not missing, f"audit actions without a label or a sentence in portal/labels.py: {missing}"


@pytest.mark.parametrize("model,kind", list(SUBJECT_TYPES.items()))
def test_every_workflow_transition_has_its_sentence(model, kind):
    for action in TRANSITIONS[model]:
        assert f"{kind}:{action}" in ACTION_SENTENCES or action in ACTION_SENTENCES, (kind, action)
