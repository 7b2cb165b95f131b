"""Developer tools: `python -m tools.screenshots` (README screenshots)."""
