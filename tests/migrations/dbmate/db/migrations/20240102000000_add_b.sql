-- A down section with nothing in it undoes nothing.
-- migrate:up
SELECT 1;

-- migrate:down
