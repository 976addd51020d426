-- Rollback of 002.
DROP TABLE users;
