"""A cluster's stakeholder network: its graph and social-capital measures (`measures`), the
summary columns of the exports (`summary`), the graph files (`graph_export`) and the map
drawn on the server (`map` gathers what the page shows; `layout`, `svg`, `labels` draw it)."""
