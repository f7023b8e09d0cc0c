"""Orbit → ORCID sync: keeps researchers' ORCID records in step with DTU Orbit."""
