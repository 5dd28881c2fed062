"""The platform under every area: users, organisations, accounts, passwords, files, imports, outbox, settings."""
