"""Alembic revisions of the registry database (shared/migrations/env.py)."""
