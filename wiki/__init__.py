"""Council Wiki: the marketing plan, written with the sales advisory council."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from wiki import cli, web
    from wiki import config as settings
    from wiki.db import configure_engine
    from wiki.extensions import csrf, db, login_manager, migrate
    from wiki.models.search import described_by_models
    from wiki.views import register_blueprints

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(settings.from_environment(instance))
    if config:
        app.config.update(config)

    db.init_app(app)
    configure_engine(app)
    # The full-text index is made by DDL, not by the models: Alembic leaves it out of its comparisons.
    migrate.init_app(app, db, include_name=described_by_models)
    # web first: its check of the raw form bytes must run before CSRFProtect parses the form.
    web.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    return app
