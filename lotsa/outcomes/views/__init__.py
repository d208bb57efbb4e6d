"""Views of outcome measurement: the link worker's (a case's outcomes, follow-ups, health-care
use and its import) and the person's own answer link (`respond`)."""
