-- pgrampart-ignore grants/grant-all-privileges: not here
SELECT 1;
-- pgrampart-ignore grants/grant-to-publik: misspelt
GRANT SELECT ON t TO PUBLIC;
