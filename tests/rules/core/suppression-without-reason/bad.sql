-- pgrampart-ignore rls/*
CREATE TABLE a (id int);
