-- The row count of every table of the schema public, one "table count" line each when run
-- with psql -A -t -F ' ' (scripts/backup counts the dump's snapshot, scripts/restore-drill the
-- restored copy).
SELECT format('SELECT %L, count(*) FROM %I.%I', table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
\gexec
