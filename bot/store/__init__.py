"""SQLite storage: the database, its migrations, one repository per table."""
