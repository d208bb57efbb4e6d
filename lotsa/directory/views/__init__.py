"""Views of the directory: public search, providers' self-service, moderation."""
