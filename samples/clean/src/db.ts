// Database pool for the API: TLS verified against the server's CA, secrets required.
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  ssl: { ca: readFileSync('/etc/ssl/certs/db-ca.pem', 'utf8') },
  max: 10,
});

const secret = process.env.JWT_SECRET;
if (!secret) {
  throw new Error('JWT_SECRET is not set');
}
export const jwtSecret: string = secret;
