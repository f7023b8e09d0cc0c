"""The pure domain: the records the sync reasons about. Imports nothing from adapters (no boto3)."""
