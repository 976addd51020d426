import { Pool } from "pg";
const pool = new Pool({
  connectionString: process.env.DATABASE_URL ?? "postgres://app:pw123456@db.example.com/app",
  ssl: { rejectUnauthorized: false },
});
const knex = require("knex")({ client: "pg", connection: { host: `db.${env}.example.com`, ssl: false } });
export const secret: string = process.env.JWT_SECRET || 'dev-secret';
const el = <div title={"x"}>{pool}</div>;
