#!/bin/sh
set -eu
for f in *.sql; do psql -f "$f"; done
