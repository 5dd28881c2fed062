"""Outbox dispatch: sends queued e-mails over SMTP with retry and backoff."""
