CREATE TABLE b (id int);
UPDATE b SET id = a.id FROM a;
DROP TABLE a;
