"""Users, organisations, memberships with roles, and the access helpers every view uses."""
