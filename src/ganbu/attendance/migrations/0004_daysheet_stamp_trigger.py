"""Every write to the day sheets gives ``core_cachestamp.sheets`` a fresh random value (see
core 0004 for the calendar and policies): processes cache which sheets are stamped and the
one-statement sign-in checks the stamp instead of probing the sheet."""

from django.db import migrations


def _triggers(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run("""CREATE OR REPLACE FUNCTION ganbu_stamp_sheets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO core_cachestamp (id) VALUES (1) ON CONFLICT (id) DO NOTHING;
  UPDATE core_cachestamp SET sheets = (random() * 9.2e18)::bigint WHERE id = 1;
  RETURN NULL;
END $$""")
        run("CREATE TRIGGER attendance_daysheet_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            "ON attendance_daysheet FOR EACH STATEMENT EXECUTE FUNCTION ganbu_stamp_sheets()")
        run("UPDATE core_cachestamp SET sheets = (random() * 9.2e18)::bigint WHERE id = 1")
    else:
        for event in ("INSERT", "UPDATE", "DELETE"):
            run(f"CREATE TRIGGER attendance_daysheet_stamp_{event.lower()} AFTER {event} ON attendance_daysheet "
                "BEGIN INSERT OR IGNORE INTO core_cachestamp (id) VALUES (1); "
                "UPDATE core_cachestamp SET sheets = random() WHERE id = 1; END")
        run("UPDATE core_cachestamp SET sheets = random() WHERE id = 1")


def _drop(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run("DROP TRIGGER IF EXISTS attendance_daysheet_stamp ON attendance_daysheet")
        run("DROP FUNCTION IF EXISTS ganbu_stamp_sheets()")
    else:
        for event in ("insert", "update", "delete"):
            run(f"DROP TRIGGER IF EXISTS attendance_daysheet_stamp_{event}")


class Migration(migrations.Migration):

    dependencies = [
        ("attendance", "0003_lean_write_indexes"),
        ("core", "0006_cache_stamp_sheets"),
    ]

    operations = [migrations.RunPython(_triggers, _drop)]
