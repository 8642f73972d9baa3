"""Dagster assets and asset checks of dateline: thin wrappers over ``dateline``'s functions."""
