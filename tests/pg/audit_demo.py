#!/usr/bin/env python3
"""The README's demo of `pgrampart audit`: start a throwaway PostgreSQL cluster,
load the samples' migrations into it, audit it (with drift against the
migrations), write the sign-off report audit-report.html in the working
directory, then remove the cluster. Exits with the audit's status."""
import glob
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, here)
from cluster import Cluster  # noqa: E402

with Cluster() as c:
    files = sorted(glob.glob(os.path.join(root, "samples", "migrations", "0*.sql")))
    c.psql(None, files=files, variables={"app_web_password": "demo-only-1", "migrator_password": "demo-only-2"})
    # Someone "fixes" production by hand: drift the audit should see.
    c.psql("ALTER TABLE messages DISABLE ROW LEVEL SECURITY")
    print(f"$ pgrampart audit --migrations samples/migrations '{c.conninfo()}'", flush=True)
    audit = [os.path.join(root, "build", "pgrampart"), "audit",
             "--config", os.path.join(root, "samples", ".pgrampart.yml"),
             "--migrations", os.path.join(root, "samples", "migrations")]
    rc = subprocess.run(audit + [c.conninfo()]).returncode
    # The same audit as a document to attach to a release ticket.
    report = os.path.abspath("audit-report.html")
    subprocess.run(audit + ["--format", "html", "--output", report, c.conninfo()])
    print(f"sign-off report written to {report}", flush=True)
sys.exit(rc)
