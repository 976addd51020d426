CREATE TABLE a (id int);
CREATE TABLE tmp (x int);
