"""Sessions: the store and records, the session manager (refresh, sign-out, events)."""
