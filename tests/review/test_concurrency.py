"""Two people changing the same item at the same moment: exactly one wins, the other is told
"changed by someone else" (409) with what they typed still in front of them — never a 500."""
from decimal import Decimal

from portal.clock import today as local_today
from portal.extensions import db
from portal.models import Comment, Role, ScoreState
from portal.workspace.services import submit_score_line
from tests import factories
from tests.helpers import HX, fresh, line_of, submit
from tests.review.parallel import at_once, signed_in_client

TRIALS = 20


def test_two_reviewers_deciding_the_same_item_one_wins_the_other_gets_409_with_their_text(app, units, officers):
    reviewers = [factories.gen_user(role=Role.REVIEWER, full_name=f"Thẩm định viên {n}") for n in (1, 2)]
    db.session.commit()
    clients = [signed_in_client(app, reviewer) for reviewer in reviewers]
    line = submit(line_of(units[0], "1.1"), officers[0])
    for trial in range(TRIALS):
        line = fresh(line)
        if line.state is ScoreState.RETURNED:  # the unit sends it again for the next trial
            submit_score_line(line, officers[0], local_today())
            db.session.commit()
            line = fresh(line)
        version, line_id = line.version, line.id
        texts = [f"Lần {trial}: người {n} đề nghị bổ sung minh chứng" for n in (1, 2)]
        db.session.commit()  # the test's own session holds no transaction while the requests run
        responses = at_once(*[
            (lambda client=client, text=text: client.post(
                f"/review/items/score_line/{line_id}/return", headers=HX,
                data={"comment": text, "version": version}))
            for client, text in zip(clients, texts)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], (trial, statuses, [r.get_data(as_text=True)[:300] for r in responses])
        loser = next(i for i, r in enumerate(responses) if r.status_code == 409)
        body = responses[loser].get_data(as_text=True)
        assert texts[loser] in body  # the loser's comment is not lost
        winner_text = texts[1 - loser]
        assert db.session.execute(db.select(Comment.body).where(Comment.subject_id == line_id)
                                  .order_by(Comment.id.desc())).scalars().first() == winner_text
        assert fresh(line).review_comment == winner_text


def test_the_same_score_line_saved_from_two_sessions_one_wins_the_other_gets_409_with_their_input(app, units):
    officers = [factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0]) for _ in range(2)]
    db.session.commit()
    clients = [signed_in_client(app, officer) for officer in officers]
    line = line_of(units[0], "1.1")
    line_id = line.id
    for trial in range(TRIALS):
        version = fresh(line).version
        entries = [(f"{n + trial % 3},5", f"Lần {trial}: giải trình của phiên {n}") for n in (1, 2)]
        db.session.commit()
        responses = at_once(*[
            (lambda client=client, score=score, text=text: client.post(
                f"/unit/score-lines/{line_id}", headers=HX,
                data={"self_score": score, "explanation": text, "version": version}))
            for client, (score, text) in zip(clients, entries)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], (trial, statuses, [r.get_data(as_text=True)[:300] for r in responses])
        loser = next(i for i, r in enumerate(responses) if r.status_code == 409)
        body = responses[loser].get_data(as_text=True)
        assert entries[loser][1] in body and f'value="{entries[loser][0]}"' in body  # typed input kept
        saved = fresh(line)
        won = entries[1 - loser]
        assert (saved.explanation, saved.self_score) == (won[1], Decimal(won[0].replace(",", ".")))
        assert saved.version == version + 1


def test_a_bulk_approval_with_one_item_changed_meanwhile_reports_it_and_approves_the_others(
        app, client, login_as, submitted, monkeypatch):
    """Another reviewer's commit lands on the second line while the bulk approval runs: that line is
    reported as changed by someone else, the others are approved, and the answer is no 500."""
    import sqlalchemy as sa

    from portal.review import services

    a, b, c = submitted[:3]
    real_approve = services.approve_score

    def approve_after_someone_else(line, reviewer, *args, **kwargs):
        if line.id == b.id:  # the other reviewer's decision commits first
            with db.engine.begin() as conn:
                conn.execute(sa.text("UPDATE score_line SET version = version + 1 WHERE id = :i"), {"i": b.id})
        return real_approve(line, reviewer, *args, **kwargs)

    monkeypatch.setattr(services, "approve_score", approve_after_someone_else)
    login_as(Role.REVIEWER)
    response = client.post("/review/bulk-approve", data={"line": [a.id, b.id, c.id]}, follow_redirects=True)
    assert response.status_code == 200
    assert "thay đổi" in response.get_data(as_text=True)  # "changed by someone else" for that line
    assert [fresh(line).state for line in (a, b, c)] == [ScoreState.APPROVED, ScoreState.SUBMITTED, ScoreState.APPROVED]
