"""Control characters (NUL, ESC, U+0085, …) are refused in every text field of every form, with a
clear message in Vietnamese, and nothing reaches the database (PostgreSQL refuses NUL with an error;
SQLite would store it and break a later restore)."""
from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import SelectFieldBase, StringField

import portal
from portal.clock import today
from portal.extensions import db
from portal.forms import CONTROL_CHARACTERS, PortalForm
from portal.models import Base, Commitment, Criterion, Role, ScoreLine, Unit
from tests import factories

BAD_TEXT = {"NUL": "Báo cáo\x00năm", "ESC": "Báo cáo\x1b[31m", "NEL": "Báo cáo\x85năm"}
HX = {"HX-Request": "true"}


def _every_form_class() -> list[type[PortalForm]]:
    """Every PortalForm subclass in the portal, found now: a new form is covered without listing it."""
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" not in module.name and not module.name.endswith(".wsgi"):
            importlib.import_module(module.name)
    found, pending = [], list(PortalForm.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _cases():
    cases = []
    for form_class in _every_form_class():
        names = [name for name in dir(form_class)
                 if getattr(getattr(form_class, name), "field_class", None) is not None
                 and issubclass(getattr(form_class, name).field_class, StringField)]
        for name in names:
            for kind in BAD_TEXT:
                cases.append(pytest.param(form_class, name, kind, id=f"{form_class.__name__}.{name}-{kind}"))
    return cases


def test_every_form_is_a_portal_form_and_has_been_found():
    classes = {cls.__name__ for cls in _every_form_class()}
    assert {"LoginForm", "ScoreForm", "NoteForm", "DocumentForm", "CommitmentForm"} <= classes


@pytest.mark.parametrize("form_class,field_name,kind", _cases())
def test_every_text_field_of_every_form_refuses_control_characters(app, form_class, field_name, kind):
    with app.test_request_context(method="POST"), force_locale("vi"):
        form = form_class(formdata=MultiDict({field_name: BAD_TEXT[kind]}), meta={"csrf": False})
        for field in form:
            if isinstance(field, SelectFieldBase) and getattr(field, "choices", ()) is None:
                field.choices = []
        assert not form.validate()
        field = form[field_name]
        message = str(CONTROL_CHARACTERS)
        assert field.errors, f"{form_class.__name__}.{field_name} accepted {kind}"
        if isinstance(field.data, str):  # a field that reads a number says "enter a number" instead
            assert message in field.errors
        assert "ký tự" in message  # Vietnamese, not the English msgid


def test_newline_and_tab_are_fine_in_multi_line_text_only(app):
    from portal.workspace.forms import NoteForm, DocumentForm

    with app.test_request_context(method="POST"):
        note = NoteForm(formdata=MultiDict({"text": "Dòng 1\r\n\tDòng 2", "note_date": today().isoformat()}))
        assert note.validate(), note.errors
        document = DocumentForm(formdata=MultiDict({"doc_number": "1\n2", "doc_issuer": "x", "title": "y",
                                                    "doc_date": today().isoformat()}))
        assert not document.validate() and document.doc_number.errors


# --- Through the real routes --------------------------------------------------------------------

def _state():
    """Every table's row count and every text of the rows the posts below could change."""
    counts = {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
              for t in Base.metadata.sorted_tables}
    texts = db.session.execute(sa.select(Commitment.target_text, Commitment.target_unit, Commitment.version)
                               .order_by(Commitment.id)).all()
    scores = db.session.execute(sa.select(ScoreLine.explanation, ScoreLine.self_score, ScoreLine.version)
                                .order_by(ScoreLine.id)).all()
    return counts, texts, scores


@pytest.fixture
def workspace(campaign, login_as):
    from portal.workspace.services import ensure_workspace

    unit = db.session.execute(sa.select(Unit).where(Unit.code == "BH")).scalar_one()
    ensure_workspace(unit, campaign)
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=unit)
    line = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, Criterion.code == "1.1")).scalar_one()
    commitment = db.session.execute(sa.select(Commitment).join(Criterion).where(
        Commitment.unit_id == unit.id, Criterion.code == "1.1")).scalar_one()
    return line, commitment


def _post_data(line, commitment):
    yesterday = (today() - timedelta(days=1)).isoformat()
    c = f"c{commitment.id}-"
    return {
        "pledge": (f"/unit/commitments/{commitment.id}", c, {
            "target_text": "Ban hành kế hoạch", "target_value": "", "target_unit": "",
            "version": str(commitment.version)}),
        "score": (f"/unit/score-lines/{line.id}", "", {"self_score": "1", "explanation": "Đã làm",
                                                       "version": str(line.version)}),
        "note": (f"/unit/commitments/{commitment.id}/notes", "", {"note_date": yesterday, "text": "Tiến độ"}),
        "document": (f"/unit/score-lines/{line.id}/documents", "", {
            "doc_number": "125-KH/BTCTU", "doc_date": yesterday, "doc_issuer": "Ban Tổ chức", "title": "Kế hoạch"}),
    }


ROUTE_CASES = [
    pytest.param(form, field, kind, id=f"{form}.{field}-{kind}")
    for form, field in [("pledge", "target_text"), ("pledge", "target_unit"), ("score", "explanation"),
                        ("score", "self_score"), ("note", "text"), ("document", "doc_number"),
                        ("document", "doc_issuer"), ("document", "title")]
    for kind in BAD_TEXT
]


@pytest.mark.parametrize("form,field,kind", ROUTE_CASES)
def test_control_characters_posted_through_the_forms_are_refused_and_nothing_changes(
        client, workspace, form, field, kind):
    line, commitment = workspace
    url, prefix, data = _post_data(line, commitment)[form]
    data = {prefix + name: value for name, value in dict(data, **{field: BAD_TEXT[kind]}).items()}
    before = _state()
    response = client.post(url, data=data, headers=HX)
    assert response.status_code in (400, 409, 422), response.status_code
    db.session.expire_all()
    assert _state() == before
    assert "ký tự điều khiển" in response.get_data(as_text=True)


def test_control_characters_in_the_sign_in_name_are_refused(client, app):
    user = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    response = client.post("/login", data={"username": user.username + "\x00", "password": factories.PASSWORD})
    assert response.status_code != 303 and "ký tự" in response.get_data(as_text=True)


def test_control_characters_in_a_url_parameter_get_a_clear_page(client, login_as, campaign):
    login_as(Role.ADMIN)
    response = client.get("/admin/audit/?action=a%1Bb")
    assert response.status_code == 400 and "ký tự" in response.get_data(as_text=True)
