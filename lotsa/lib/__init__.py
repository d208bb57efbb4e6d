"""Framework-free helpers: places, distances, identity and organisation numbers, text, schedules."""
