-- pgrampart-ignore rls/*: a lookup table, the same for every tenant
CREATE TABLE a (id int);
