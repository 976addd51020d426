const pool = new Pool({ ssl: { rejectUnauthorized: false } });
