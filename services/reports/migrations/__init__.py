"""Alembic revisions of the reports database (shared/migrations/env.py)."""
