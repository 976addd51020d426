const pool = new Pool({ ssl: { rejectUnauthorized: true } });
