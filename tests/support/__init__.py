"""Real services for tests: an HTTP server, an SMTP server and the seed news site.

Import as ``from tests.support.http import Route, Server`` and so on; the pytest fixtures
wrapping them live in ``tests/conftest.py``.
"""
