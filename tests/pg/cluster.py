#!/usr/bin/env python3
"""Throwaway PostgreSQL clusters for pgrampart's live tests, demo and benchmark.

    with Cluster(ssl=True) as c:
        c.psql("CREATE TABLE t (id int)")
        conninfo = c.conninfo()

A cluster lives in a temporary directory with its Unix socket there, listens
on 127.0.0.1 on a free port only, and is stopped and removed on exit, even
when the body fails. As root, the server runs as the postgres user.
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile


def pg_bin():
    for v in ("15", "16", "17", "14"):
        d = f"/usr/lib/postgresql/{v}/bin"
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql-15)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, ssl=False, hba=None, settings=None):
        self.ssl = ssl
        self.hba = hba
        self.settings = settings or {}
        self.bin = pg_bin()
        self.port = free_port()
        self.root = os.geteuid() == 0

    def _as_owner(self, argv, **kw):
        if self.root:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="pgrampart-pg-")
        self.data = os.path.join(self.dir, "data")
        if self.root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)
        try:
            self._as_owner([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres",
                            "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
            conf = {"listen_addresses": "'127.0.0.1'", "port": str(self.port),
                    "unix_socket_directories": f"'{self.dir}'", "fsync": "off",
                    "max_connections": "20", "shared_buffers": "'32MB'"}
            if self.ssl:
                self._make_cert()
                conf.update({"ssl": "on", "ssl_cert_file": "'server.crt'", "ssl_key_file": "'server.key'"})
            conf.update(self.settings)
            with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
                for k, v in conf.items():
                    f.write(f"{k} = {v}\n")
            if self.hba is not None:
                with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
                    f.write(self.hba)
            self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w", "-t", "60",
                            "-l", os.path.join(self.dir, "log"), "start"])
        except BaseException:
            self._remove()
            raise
        return self

    def _make_cert(self):
        key, crt = os.path.join(self.data, "server.key"), os.path.join(self.data, "server.crt")
        subprocess.run(["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=localhost",
                        "-keyout", key, "-out", crt], check=True, capture_output=True)
        os.chmod(key, 0o600)
        if self.root:
            pw = pwd.getpwnam("postgres")
            os.chown(key, pw.pw_uid, pw.pw_gid)
            os.chown(crt, pw.pw_uid, pw.pw_gid)

    def conninfo(self, user="postgres", dbname="postgres", tcp=False, sslmode=None):
        host = "127.0.0.1" if tcp else self.dir
        ci = f"host={host} port={self.port} user={user} dbname={dbname}"
        if sslmode:
            ci += f" sslmode={sslmode}"
        return ci

    def psql(self, sql, user="postgres", dbname="postgres", files=(), variables=None):
        """Run SQL (and files) with psql; returns stdout. Raises on error."""
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", self.conninfo(user, dbname)]
        for k, v in (variables or {}).items():
            argv += ["-v", f"{k}={v}"]
        for f in files:
            argv += ["-f", f]
        if sql:
            argv += ["-c", sql]
        return subprocess.run(argv, check=True, capture_output=True, text=True).stdout

    def _remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __exit__(self, *exc):
        try:
            self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        finally:
            self._remove()
        return False
