"""Block Kit and plain-text rendering of replies (pure)."""
