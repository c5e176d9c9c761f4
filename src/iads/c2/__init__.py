"""Command and control: the air picture shared between units, and the decisions taken on it."""
