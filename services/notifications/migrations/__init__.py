"""Alembic revisions of the notifications database (shared/migrations/env.py)."""
