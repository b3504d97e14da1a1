"""The person's record: the SQLite store, the recorder that writes a night into it, the table
and the report for a doctor that read it."""
