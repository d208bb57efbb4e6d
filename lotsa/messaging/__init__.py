"""Sending e-mail and SMS in the recipient's language, through pluggable backends."""
