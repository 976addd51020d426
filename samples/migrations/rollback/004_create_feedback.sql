-- Rollback of 004.
DROP TABLE feedback;
