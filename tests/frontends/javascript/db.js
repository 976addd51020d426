// pgrampart-ignore ssl/missing-sslmode: the database is reached through a WireGuard tunnel
const url = "postgres://app@db.internal.example.com:5432/app";
