"""Organisations' offerings: places, schedules, taxonomy, capacity, freshness and search."""
