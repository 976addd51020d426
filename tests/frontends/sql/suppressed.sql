-- pgrampart-ignore rls/table-without-rls: a public catalogue, readable by everyone
CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
