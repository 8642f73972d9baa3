"""One Dagster partition per inbox file (key: its path relative to the inbox)."""

from dagster import DynamicPartitionsDefinition

inbox_files = DynamicPartitionsDefinition(name="inbox_files")
