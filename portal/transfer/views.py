"""Import and export of the reference data in the browser (administrators only): upload the files,
look at the preview, confirm; download a campaign's data as CSV files or one workbook."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles_required
from portal.actions import perform
from portal.auth.forms import EmptyForm
from portal.extensions import db
from portal.models import Campaign, Role
from portal.transfer import services
from portal.transfer.forms import ConfirmForm, UploadForm
from portal.workflow import WorkflowError, ensure_campaign_open_for_changes, ensure_result_unlocked

bp = Blueprint("transfer", __name__)
admin_only = roles_required(Role.ADMIN)
EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", services.export_xlsx),
    "zip": ("application/zip", services.export_zip),
}


def _campaigns() -> list[Campaign]:
    return db.session.execute(db.select(Campaign).order_by(Campaign.year.desc())).scalars().all()


def _upload_form(campaigns, formdata=None) -> UploadForm:
    form = UploadForm(formdata=formdata)
    form.campaign.choices = [(c.id, f"{c.year} — {c.name}") for c in campaigns]
    if formdata is None:
        chosen = request.args.get("campaign", type=int)
        current = next((c for c in campaigns if c.is_current), campaigns[0] if campaigns else None)
        form.campaign.data = chosen if any(c.id == chosen for c in campaigns) else getattr(current, "id", None)
    return form


def _upload_page(form, campaigns, problems=(), status=200):
    formats = [(services.SHEET_NAMES[kind], services.columns_of(kind)) for kind in services.KINDS]
    return render_template("transfer/upload.html", form=form, campaigns=campaigns, problems=problems,
                           formats=formats, max_size=services.megabytes(_max_size())), status


def _max_size() -> int:
    return current_app.config["REFERENCE_MAX_FILE_SIZE"]


@bp.get("/")
@admin_only
def upload():
    campaigns = _campaigns()
    return _upload_page(_upload_form(campaigns), campaigns)


@bp.post("/")
@admin_only
def upload_files():
    campaigns = _campaigns()
    form = _upload_form(campaigns, formdata=request.form)
    if not form.validate():
        return _upload_page(form, campaigns, status=422)
    campaign = db.get_or_404(Campaign, form.campaign.data)
    try:
        ensure_campaign_open_for_changes(campaign)
        ensure_result_unlocked(campaign)
    except WorkflowError as refusal:
        form.campaign.errors = [refusal.message]
        return _upload_page(form, campaigns, status=422)
    files = {}
    for slot in UploadForm.SLOTS:
        storage = request.files.get(slot)
        if storage and storage.filename:
            files[slot] = (storage.filename, storage.stream.read(_max_size() + 1))
    if not files:
        form.workbook.errors = [_("Choose at least one file.")]
        return _upload_page(form, campaigns, status=422)
    tables, problems = services.read_uploads(files, _max_size())
    if not problems:
        plan = services.plan_import(campaign, tables)
        problems = plan.problems
    if problems:
        db.session.rollback()
        return _upload_page(form, campaigns, problems, status=422)
    outcome = perform(services.store_upload, campaign, tables, current_user)
    if not outcome.ok:
        flash(outcome.message, "error")
        return _upload_page(form, campaigns, status=outcome.status)
    return redirect(url_for(".preview", token=outcome.value.token), code=303)


def _upload_or_404(token: str):
    upload = services.upload_for(token, current_user)
    if upload is None:
        abort(404)
    return upload


@bp.get("/preview/<token>")
@admin_only
def preview(token: str):
    upload = _upload_or_404(token)
    plan = services.preview(upload)
    return _preview_page(upload, plan)


def _preview_page(upload, plan, status=200):
    form = ConfirmForm(formdata=None)
    form.fingerprint.data = plan.fingerprint
    return render_template("transfer/preview.html", upload=upload, plan=plan, form=form,
                           column_labels=services.COLUMN_LABELS,
                           discard_form=EmptyForm()), status


@bp.post("/preview/<token>/confirm")
@admin_only
def confirm(token: str):
    upload = _upload_or_404(token)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    campaign = db.session.get(Campaign, upload.campaign_id)
    year = campaign.year
    outcome = perform(services.apply_upload, upload, form.fingerprint.data, current_user)
    if outcome.ok:
        flash(_("The reference data of %(year)d was imported.", year=year), "success")
        return redirect(url_for(".upload", campaign=campaign.id), code=303)
    flash(outcome.message, "error")
    upload = _upload_or_404(token)
    return _preview_page(upload, services.preview(upload), outcome.status)


@bp.post("/preview/<token>/discard")
@admin_only
def discard(token: str):
    upload = _upload_or_404(token)
    if EmptyForm().validate_on_submit():
        campaign_id = upload.campaign_id
        perform(services.discard_upload, upload)
        flash(_("The upload was discarded; nothing was imported."), "success")
        return redirect(url_for(".upload", campaign=campaign_id), code=303)
    return redirect(url_for(".preview", token=token), code=303)


@bp.get("/<int:campaign_id>/export.<fmt>")
@admin_only
def export(campaign_id: int, fmt: str):
    if fmt not in EXPORTS:
        abort(404)
    campaign = db.get_or_404(Campaign, campaign_id)
    mimetype, build = EXPORTS[fmt]
    return send_file(io.BytesIO(build(campaign)), mimetype=mimetype, as_attachment=True,
                     download_name=f"reference-{campaign.year}.{fmt}")
