-- name: get-subscribers
-- A query library: the program puts a whole subquery where %query% stands.
WITH subs AS (%query%)
SELECT * FROM subs ORDER BY %order%;
