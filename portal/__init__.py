"""Cổng Thi đua — the application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from portal.config import load_settings, normalize_database_url

    load_settings(app)
    _bound_int_urls(app)
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _trust_proxies(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)

    from portal import cli, errors, i18n, security, templating

    security.init_security_headers(app)
    _init_request_hooks(app)
    errors.init_error_handlers(app)
    i18n.init_i18n(app)
    templating.init_templating(app)
    cli.init_cli(app)
    _wire_listeners()
    cli.sweep_uploads_at_start(app)
    return app


def _wire_listeners() -> None:
    """What follows a workflow change: the queue's row, the unit's scorecard and the scoreboard's change counter; what follows
    a campaign's opening: every unit with an officer gets its workspace."""
    from portal import chain, live, workflow
    from portal.campaign import services as campaigns
    from portal.review import queue
    from portal.workspace.services import prepare_officers_workspaces

    workflow.on_change(queue.follow)
    workflow.on_change(chain.follow)
    workflow.on_change(live.follow_scores)
    campaigns.on_open(prepare_officers_workspaces)


def _init_extensions(app: Flask) -> None:
    from portal.access import unauthenticated
    from portal.auth.sessions import load as load_user
    from portal.auth.throttle import init_throttle
    from portal.db_setup import init_database
    from portal.search.index import init_search_index
    from portal.textguard import init_text_guard
    from portal.extensions import csrf, db, login_manager, mail, migrate

    db.init_app(app)
    init_database(app)
    init_text_guard()
    init_search_index()
    migrate.init_app(app, db, directory=str(ROOT / "portal" / "migrations"), compare_type=True)
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthenticated)
    init_throttle(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts_bp
    from portal.admin.views import bp as admin_bp
    from portal.audit.views import bp as audit_bp
    from portal.awards.views import bp as awards_bp
    from portal.campaign.views import bp as campaign_bp
    from portal.chain_admin.views import bp as chain_admin_bp
    from portal.campaign.years import bp as years_bp
    from portal.history.views import bp as history_bp
    from portal.ceremony.views import bp as ceremony_bp
    from portal.criteria.views import bp as criteria_bp
    from portal.nominations.views import bp as nominations_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.orgs.views import bp as orgs_bp
    from portal.auth.views import bp as auth_bp
    from portal.home.views import bp as home_bp
    from portal.evidence.views import bp as evidence_bp
    from portal.reference.views import bp as reference_bp
    from portal.reminders.views import bp as reminders_bp
    from portal.results.views import bp as results_bp
    from portal.review.views import bp as review_bp
    from portal.scoreboard.views import bp as scoreboard_bp
    from portal.search.views import bp as search_bp
    from portal.help.views import bp as help_bp
    from portal.transfer.views import bp as transfer_bp
    from portal.workspace.views import bp as workspace_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(reference_bp, url_prefix="/reference")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(workspace_bp, url_prefix="/unit")
    app.register_blueprint(evidence_bp, url_prefix="/evidence")
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(scoreboard_bp, url_prefix="/scoreboard")
    app.register_blueprint(results_bp, url_prefix="/results")
    app.register_blueprint(ceremony_bp)  # /display/… and /scoreboard/control…
    app.register_blueprint(nominations_bp, url_prefix="/nominations")
    app.register_blueprint(audit_bp, url_prefix="/admin/audit")
    app.register_blueprint(campaign_bp, url_prefix="/admin/campaigns")
    app.register_blueprint(transfer_bp, url_prefix="/admin/reference")
    app.register_blueprint(awards_bp, url_prefix="/admin/campaigns")  # /admin/campaigns/<id>/award-types/…
    app.register_blueprint(criteria_bp, url_prefix="/admin/campaigns")
    app.register_blueprint(chain_admin_bp, url_prefix="/admin/campaigns")  # /admin/campaigns/<id>/levels, …
    app.register_blueprint(years_bp)  # no routes: the year switch's template helpers
    app.register_blueprint(history_bp, url_prefix="/history")
    app.register_blueprint(accounts_bp)
    app.register_blueprint(reminders_bp, url_prefix="/admin/reminders")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(help_bp, url_prefix="/help")
    app.register_blueprint(orgs_bp)  # /admin/units, /admin/clusters, /units/<id>/record


def _init_request_hooks(app: Flask) -> None:
    from flask import request

    from portal.audit.services import current_address

    from flask_babel import lazy_gettext as _l

    from portal.errors import render_error
    from portal.parsing import has_control_characters

    @app.before_request
    def remember_client_address():
        current_address.set(request.remote_addr or "")

    @app.before_request
    def refuse_control_characters_in_url():
        """A URL parameter with a control character is no filter anyone typed: say so, early."""
        if any(has_control_characters(k + v, multiline=False) for k, v in request.args.items(multi=True)):
            return render_error(400, _l("The address contains characters that cannot be used. "
                                        "Check the link and try again."))


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme are the ones they
    forwarded (for the sign-in throttle, the audit trail and session protection); with 0, forwarded
    headers are ignored, so nobody can claim another address."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _bound_int_urls(app: Flask) -> None:
    """<int:…> in URLs stops at what the database can hold: a longer number is 'not found', not an error."""
    from werkzeug.routing import IntegerConverter

    class BoundedInt(IntegerConverter):
        def __init__(self, url_map, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(url_map, **kwargs)

    app.url_map.converters["int"] = BoundedInt
