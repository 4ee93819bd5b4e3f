"""The REST API of stakeholders, memberships and relationships (under /api/)."""
