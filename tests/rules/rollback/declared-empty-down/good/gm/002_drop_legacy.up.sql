DROP TABLE legacy;
