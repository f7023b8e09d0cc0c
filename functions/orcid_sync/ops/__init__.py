"""`orcid-sync ops`: running the sync — status, problems, resync, dead letters, erasure."""
