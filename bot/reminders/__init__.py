"""Reminders: planning due times (pure), the ledger of claims, sending them."""
