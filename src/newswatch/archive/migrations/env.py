"""Alembic's entry point: run the migrations on the connection ``archive.migrate`` hands over
(in its transaction, under its lock); there is no alembic.ini and no offline mode."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
