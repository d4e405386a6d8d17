"""Operator commands: ``flask --app wsgi import|users|seed-demo``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask_babel import gettext as _

from portal.accounts.services import AccountError, create_user, set_password
from portal.demo.services import DATA_2025, database_is_empty, seed_demo
from portal.extensions import db
from portal.models import Role
from portal.reference.importer import ImportFailed, import_directory
from portal.reminders.services import run as run_reminders
from portal.workflow import WorkflowError

def _read_password(from_stdin: bool) -> str:
    """The password from standard input (one line) or a hidden prompt, never from the command line."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)

def _backup_step(step, path: Path) -> dict:
    """Run backup or restore against the upload store; a refusal is printed and exits 1."""
    from portal.backup import BackupError
    from portal.evidence.views import file_store

    try:
        return step(path, file_store())
    except BackupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)

def sweep_uploads(app: Flask, dry_run: bool = False):
    """Remove partial uploads and stored files no row names, older than the grace period."""
    from portal.backup import referenced_files
    from portal.uploads import FileStore

    grace = app.config["UPLOAD_SWEEP_GRACE_SECONDS"]
    with app.app_context():
        return FileStore(app.config["UPLOAD_DIR"]).sweep(referenced_files, grace, dry_run=dry_run)

def sweep_uploads_at_start(app: Flask) -> None:
    """The start-up sweep: cheap (a folder listing; the database only when an old file is found)
    and never in the way of starting: a failure is logged and the portal starts anyway."""
    if not app.config["UPLOAD_SWEEP_ON_START"]:
        return
    try:
        report = sweep_uploads(app)
    except Exception:  # noqa: BLE001 - e.g. no schema yet before `flask db upgrade`
        app.logger.warning("Upload sweep at start-up skipped", exc_info=True)
        return
    if report.removed:
        app.logger.warning("Upload sweep removed %d partial and %d unreferenced files (%d bytes): %s",
                           len(report.partial), len(report.orphans), report.size,
                           ", ".join(name for name, _size in report.removed))

def _report_reminder_run(report) -> None:
    if report.campaign is None:
        click.echo(_("No current campaign is open or in scoring; no reminders sent."))
        return
    click.echo(_("Sent %(reminders)d reminders and %(digests)d digests (%(notifications)d notifications, "
                 "%(emails)d e-mails); %(already)d were sent before.", reminders=report.reminders,
                 digests=report.digests, notifications=report.notifications, emails=report.emails,
                 already=report.already_sent))
    if report.mail_errors:
        click.echo(_("%(n)d e-mail sends failed; see the log.", n=report.mail_errors), err=True)
        sys.exit(1)


def init_cli(app: Flask) -> None:
    @app.cli.command("import")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=DATA_2025)
    @click.option("--year", type=int, default=2025, show_default=True,
                  help="Campaign year; files are named clusters-YEAR.csv, units-YEAR.csv, …")
    def import_command(directory: Path, year: int):
        """Import clusters, units, criteria and award types; nothing is written if any row is wrong."""
        try:
            summary = import_directory(directory, year)
            db.session.commit()
        except ImportFailed as failure:
            for problem in failure.problems:
                click.echo(str(problem), err=True)
            click.echo(_("Nothing was imported: %(n)d problem(s).", n=len(failure.problems)), err=True)
            sys.exit(1)
        except WorkflowError as refusal:  # e.g. the year's campaign is closed (the closing lock)
            db.session.rollback()
            click.echo(refusal.message, err=True)
            sys.exit(1)
        counts = summary.counts
        click.echo(_("Imported %(clusters)d clusters, %(units)d units, %(criteria)d criteria, "
                     "%(award_types)d award types.", **counts))

    @app.cli.command("import-classifications")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def import_classifications_command(path: Path):
        """Import earlier years' classifications (CSV: unit_code,year,classification)."""
        from portal.reference.classifications import import_classifications

        try:
            count = import_classifications(path)
            db.session.commit()
        except ImportFailed as failure:
            for problem in failure.problems:
                click.echo(str(problem), err=True)
            click.echo(_("Nothing was imported: %(n)d problem(s).", n=len(failure.problems)), err=True)
            sys.exit(1)
        click.echo(_("Imported %(n)d classifications.", n=count))

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(destination: Path):
        """Back up the database and the uploaded files, consistently, into an empty folder."""
        from portal.backup import backup

        manifest = _backup_step(backup, destination)
        click.echo(_("Backed up %(rows)d rows and %(files)d files into %(path)s.",
                     rows=sum(manifest["counts"].values()), files=len(manifest["files"]), path=destination))

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
    def restore_command(source: Path):
        """Restore a backup into a new, empty database (after `flask db upgrade`)."""
        from portal.backup import restore

        manifest = _backup_step(restore, source)
        click.echo(_("Restored %(rows)d rows and %(files)d files.", rows=sum(manifest["counts"].values()),
                     files=len(manifest["files"])))

    files = click.Group("files", help="The uploaded files.")
    app.cli.add_command(files)

    @files.command("sweep")
    @click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
    def sweep_command(dry_run: bool):
        """Remove partial uploads and files no row names (older than UPLOAD_SWEEP_GRACE_SECONDS)."""
        from flask import current_app

        report = sweep_uploads(current_app._get_current_object(), dry_run=dry_run)
        for name, size in report.partial:
            click.echo(_("partial upload %(name)s (%(size)s bytes)", name=name, size=size))
        for name, size in report.orphans:
            click.echo(_("file no row names %(name)s (%(size)s bytes)", name=name, size=size))
        if dry_run:
            click.echo(_("Dry run: %(n)d files (%(size)s bytes) would be removed.", n=len(report.removed),
                         size=report.size))
        else:
            click.echo(_("Removed %(n)d files (%(size)s bytes).", n=len(report.removed), size=report.size))

    users = click.Group("users", help="Create accounts and set passwords.")
    app.cli.add_command(users)

    @users.command("create")
    @click.argument("username")
    @click.option("--full-name", required=True)
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--unit", "unit_code", help="Unit code (unit officers only).")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create_user_command(username, full_name, role, unit_code, password_stdin):
        """Create an account; the password is asked for (or read from stdin)."""
        password = _read_password(password_stdin)
        try:
            user = create_user(username, full_name, Role(role), password, unit_code, refuse_common=True)
            db.session.commit()
        except AccountError as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo(_("Created user %(name)s.", name=user.username))

    @users.command("set-password")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def set_password_command(username, password_stdin):
        """Set a new password; the user's other sessions end."""
        password = _read_password(password_stdin)
        try:
            set_password(username, password, refuse_common=True)
            db.session.commit()
        except AccountError as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo(_("Password changed for %(name)s.", name=username))

    audit = click.Group("audit", help="The audit trail.")
    app.cli.add_command(audit)

    @audit.command("verify")
    def verify_command():
        """Walk the hash chain; report the first broken link (exit status 1)."""
        from portal.audit.services import verify_chain

        result = verify_chain()
        if result.ok and not result.checked:
            click.echo(_("There are no audit events yet; nothing to verify."))
            return
        if result.ok:
            click.echo(_("Verified events #%(first)s–#%(last)s (%(n)s events), chain intact.",
                         first=result.first_id, last=result.last_id, n=result.checked))
            return
        click.echo(_("The audit chain is broken at event #%(id)s (%(reason)s); %(n)d events before it are intact.",
                     id=result.broken_id, reason=result.reason, n=result.checked), err=True)
        sys.exit(1)

    reminders = click.Group("reminders", help="Deadline reminders to units and the reviewers' daily digest.")
    app.cli.add_command(reminders)

    @reminders.command("send")
    @click.option("--no-digest", is_flag=True, help="Only the units' deadline reminders.")
    def send_reminders_command(no_digest: bool):
        """Remind units of what is missing before each deadline, and send the reviewers' digest.
        Safe to run as often as wanted: nothing already sent is sent again."""
        _report_reminder_run(run_reminders(digests=not no_digest))

    @reminders.command("digest")
    def send_digest_command():
        """Only the reviewers' daily digest of items waiting longer than REVIEW_OVERDUE_DAYS."""
        _report_reminder_run(run_reminders(reminders=False))

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def seed_demo_command(if_empty: bool):
        """Load the 2025 demo campaign and the demo accounts."""
        if if_empty and not database_is_empty():
            click.echo(_("The database already has data; demo data not loaded."))
            return
        seed_demo()
        click.echo(_("Demo data loaded."))
