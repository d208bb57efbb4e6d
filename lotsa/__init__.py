"""Lotsa: a social prescribing platform for health centres, municipalities and associations."""
