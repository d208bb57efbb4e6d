"""Read-only aggregations for the municipality: gaps, capacity pressure, exports."""
