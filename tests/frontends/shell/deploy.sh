#!/bin/sh
# pgrampart-ignore ssl/missing-sslmode: the database is reached through a WireGuard tunnel
psql "postgres://app@db.internal.example.com:5432/app" -c 'SELECT 1'
