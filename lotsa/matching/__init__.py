"""Ranking offerings for a case, with reasons: pure functions and the suggestion views."""
