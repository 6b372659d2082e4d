"""Helpers tests share: import them from here; fixtures stay in the conftest files."""
