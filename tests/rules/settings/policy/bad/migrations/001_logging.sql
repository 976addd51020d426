ALTER SYSTEM SET log_statement = 'none';
