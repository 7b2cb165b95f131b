"""Shown instead of the app when the database is missing, empty or in use by another program."""
from ecomm import ui

ui.render_store_problem()
