"""Alembic revisions of the surveys database (shared/migrations/env.py)."""
