"""Reloading the schedule: fetching, comparing, telling subscribers what moved."""
