"""The daily digest: building it (pure) and posting it once a day."""
