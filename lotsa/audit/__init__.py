"""The access log: who did what to whose data, when and from where."""
