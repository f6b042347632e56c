"""Alembic revisions of the pairing database (shared/migrations/env.py)."""
