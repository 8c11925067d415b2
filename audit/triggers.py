"""Database triggers that make tables append-only, for migrations (PostgreSQL; nothing on SQLite).

``append_only(table)`` refuses every UPDATE and DELETE of the table's rows, whoever sends them:
the ORM, a raw cursor, psql. The error names the table and the operation. TRUNCATE is not
covered (Django's test database flush uses it, and it needs a privilege the application's
database role should not have in production: see the README).

The audit table gets a trigger of its own (``AUDIT_GUARD``): the retention purge may delete rows
older than a cut-off it sets for its transaction only, and never younger than six months.
"""

from django.db import migrations

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'A correction is a new row; nothing is edited or deleted in place.';
END;
$$;
"""

#: The purge sets ``audit.purge_before`` with SET LOCAL (set_config(…, true)), which ends with
#: its transaction. A row may go only if it is older than that cut-off and the cut-off itself
#: is at least 183 days (six months) before the database's clock: the floor is here, not only
#: in the settings, so no configuration and no hand-set cut-off can remove younger rows.
AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION audit_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cutoff timestamptz := nullif(current_setting('audit.purge_before', true), '')::timestamptz;
BEGIN
    IF TG_OP = 'DELETE' AND cutoff IS NOT NULL
       AND cutoff <= now() - interval '183 days'
       AND OLD.at < cutoff THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'Only the retention purge deletes audit rows, and only those past the retention.';
END;
$$;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_guard();
"""

AUDIT_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_guard();
"""


def _trigger_name(table: str) -> str:
    return f"{table}_append_only"


def _run_on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def append_only(*tables: str) -> migrations.RunPython:
    """A migration operation: the tables refuse UPDATE and DELETE (on PostgreSQL)."""
    create = REFUSE_FUNCTION + "".join(
        f"DROP TRIGGER IF EXISTS {_trigger_name(t)} ON {t};\n"
        f"CREATE TRIGGER {_trigger_name(t)} BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION append_only_refuse();\n"
        for t in tables
    )
    drop = "".join(f"DROP TRIGGER IF EXISTS {_trigger_name(t)} ON {t};\n" for t in tables)
    return migrations.RunPython(_run_on_postgresql(create), _run_on_postgresql(drop))


def audit_guard() -> migrations.RunPython:
    return migrations.RunPython(
        _run_on_postgresql(AUDIT_GUARD), _run_on_postgresql(AUDIT_GUARD_REVERSE)
    )
