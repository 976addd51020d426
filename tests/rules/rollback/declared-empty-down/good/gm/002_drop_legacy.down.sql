-- recreate it: rows come back from the backup
CREATE TABLE legacy (id int);
