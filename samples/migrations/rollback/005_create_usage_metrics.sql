-- Rollback of 005.
DROP TABLE usage_metrics;
