"""The REST API (under /api/), above both domain apps: serializers parse, the domain
services write, the permission policies decide.

`permissions`, `pagination`, `exceptions`, `filters`, `fields`, `schema` and `viewsets` hold
what every resource shares; `serializers/`, `views/` and `filtersets/` have a module per
domain app; `urls` routes them all.
"""
