from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Commitment, ProgressNote, RegistrationState
from portal.clock import today as local_today
from tests.helpers import HX, commitment_of, fresh


def post_pledge(client, c, text="Ban hành kế hoạch đúng hạn", value="", unit="", version=None, htmx=True):
    data = {f"c{c.id}-target_text": text, f"c{c.id}-target_value": value, f"c{c.id}-target_unit": unit,
            f"c{c.id}-version": str(c.version if version is None else version)}
    return client.post(f"/unit/commitments/{c.id}", data=data, headers=HX if htmx else {})


def snapshot(c):
    c = fresh(c)
    return (c.target_text, c.target_value, c.target_unit, c.version)


def test_save_inline_returns_the_row_partial(client, officer, units):
    c = commitment_of(units[0], "1.1")
    version = c.version
    response = post_pledge(client, c, value="12,5", unit="văn bản")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<span id="commitment-{c.id}-status"') and "<html" not in page
    assert f'id="c{c.id}-version" name="c{c.id}-version" value="{version + 1}" hx-swap-oob="true"' in page
    assert "Đã lưu" in page
    saved = fresh(c)
    assert (saved.target_text, str(saved.target_value), saved.target_unit) == ("Ban hành kế hoạch đúng hạn", "12.50", "văn bản")
    assert saved.version == version + 1


def test_plain_post_redirects_back(client, officer, units):
    c = commitment_of(units[0], "1.1")
    response = post_pledge(client, c, htmx=False)
    assert response.status_code == 303 and f"#commitment-{c.id}" in response.headers["Location"]


BAD = [
    ({"text": "x" * 2001}, "Tối đa 2000 ký tự"),
    ({"value": "-3"}, "0 trở lên"),
    ({"value": "mười"}, "Nhập một số"),
    ({"text": "", "value": "5"}, "chỉ tiêu"),
    ({"unit": "người", "value": ""}, "cần có số"),
    ({"unit": "x" * 51, "value": "1"}, "Tối đa 50 ký tự"),
]


@pytest.mark.parametrize("fields,message", BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_refused_and_changes_nothing(client, officer, units, fields, message):
    c = commitment_of(units[0], "1.1")
    before = snapshot(c)
    response = post_pledge(client, c, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot(c) == before


def test_two_tabs_the_second_save_is_refused(client, officer, units):
    c = commitment_of(units[0], "1.1")
    old_version = c.version
    assert post_pledge(client, c, text="Bản của tab 1").status_code == 200
    response = post_pledge(client, c, text="Bản của tab 2", version=old_version)
    assert response.status_code == 409
    assert "người khác" in response.get_data(as_text=True)
    assert fresh(c).target_text == "Bản của tab 1"


def test_after_the_registration_deadline_nothing_changes(client, officer, units, campaign):
    campaign.registration_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    c = commitment_of(units[0], "1.1")
    before = snapshot(c)
    response = post_pledge(client, c)
    assert response.status_code == 409
    assert "Đã hết hạn đăng ký" in response.get_data(as_text=True)
    assert snapshot(c) == before


def _fill_all(unit):
    for c in db.session.execute(db.select(Commitment).where(Commitment.unit_id == unit.id)).scalars():
        c.target_text = f"Chỉ tiêu {c.criterion.code}"
    db.session.commit()


def test_submit_needs_every_target(client, officer, units):
    registration = commitment_of(units[0], "1.1").registration
    response = client.post("/unit/registration/submit", data={"version": fresh(registration).version},
                           follow_redirects=True)
    assert "các tiêu chí còn trống rồi gửi: 1.1, 1.2" in response.get_data(as_text=True)
    assert fresh(registration).state is RegistrationState.DRAFT


def test_submit_then_read_only(client, officer, units):
    _fill_all(units[0])
    registration = commitment_of(units[0], "1.1").registration
    response = client.post("/unit/registration/submit", data={"version": fresh(registration).version},
                           follow_redirects=True)
    assert "đã được gửi" in response.get_data(as_text=True)
    assert fresh(registration).state is RegistrationState.SUBMITTED
    c = commitment_of(units[0], "1.1")
    before = snapshot(c)
    response = post_pledge(client, c, text="đổi sau khi gửi")
    assert response.status_code == 409 and snapshot(c) == before
    # a second submission is refused too
    response = client.post("/unit/registration/submit", data={"version": fresh(registration).version},
                           follow_redirects=True)
    assert "không thể thực hiện" in response.get_data(as_text=True).lower() or "đã được gửi" in response.get_data(as_text=True)


def test_returned_registration_can_be_changed_after_the_deadline(client, officer, units, campaign):
    registration = commitment_of(units[0], "1.1").registration
    registration.state = RegistrationState.RETURNED
    campaign.registration_deadline = local_today() - timedelta(days=3)
    db.session.commit()
    c = commitment_of(units[0], "1.1")
    assert post_pledge(client, c, text="Sửa theo ý kiến thẩm định").status_code == 200


def test_progress_notes(client, officer, units):
    c = commitment_of(units[0], "1.1")
    response = client.post(f"/unit/commitments/{c.id}/notes", headers=HX,
                           data={"note_date": local_today().isoformat(), "text": "Đã ban hành kế hoạch số 12"})
    assert response.status_code == 200 and 'id="notes"' in response.get_data(as_text=True)
    assert "Đã ban hành kế hoạch số 12" in response.get_data(as_text=True)
    count = db.session.scalar(db.select(db.func.count(ProgressNote.id)))
    future = client.post(f"/unit/commitments/{c.id}/notes", headers=HX,
                         data={"note_date": (local_today() + timedelta(days=2)).isoformat(), "text": "Sẽ làm"})
    assert future.status_code == 422 and "tương lai" in future.get_data(as_text=True)
    empty = client.post(f"/unit/commitments/{c.id}/notes", headers=HX,
                        data={"note_date": local_today().isoformat(), "text": " "})
    assert empty.status_code == 422
    assert db.session.scalar(db.select(db.func.count(ProgressNote.id))) == count == 1
