"""Who may import records from a previous system: the system user (the command and the demo act as
it), or anyone given the permission (no role has it). The permission is declared on reporting's
model, where the importer began."""

IMPORT_RECORDS = "reporting.import_records"
