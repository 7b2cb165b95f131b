"""Shown to someone not signed in, or signed in with an email that has no access."""
from ecomm import ui

ui.render_signed_out()
