"""Scripts of the production smoke test (tests/production/), run in a region by ``manage.py shell``."""
