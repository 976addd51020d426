CREATE TABLE a (id int, secret text, note text);
