"""The REST API of clusters (under /api/): serializers parse, services write, policies decide.

`permissions`, `pagination`, `exceptions` and `viewsets` hold what the stakeholder API shares.
"""
