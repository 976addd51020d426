-- name: get-lists
-- %order% stands for a column name: blanked, the query parses and is checked.
SELECT id, name FROM lists ORDER BY %order% LIMIT $1;
