"""The memory database: opening SQLite or PostgreSQL, the peewee models, General Bots' bots."""
