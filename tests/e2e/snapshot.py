"""Findings on samples/ and on every corpus of ../shared/corpus/, against a snapshot.

A restructuring (issue 11) must not change behaviour: this test runs check in text
and JSON on each target and compares a digest of each whole output, and a line
per finding (rule, path, position, severity, digest of the finding), with
tests/snapshots/findings.txt.  Only digests and positions are kept: nothing of
the corpora's text is copied into the repository.

A deliberate change of findings re-records the snapshot:
    PGRAMPART_UPDATE_SNAPSHOT=1 meson test -C build e2e-findings_match_snapshot
and the diff of tests/snapshots/findings.txt shows what moved.
"""
from e2e import *  # noqa: F401,F403
import e2e
import hashlib
import json
import os
import subprocess

# The corpus targets, relative to the corpus directory (paths in the output
# are then the same on every machine).
CORPORA = ["LemmyNet__lemmy", "ory__kratos", "PostgREST__postgrest", "flyisland__gitlab-ee",
           "Tamarou__Registry", "apps/Unleash__unleash", "apps/bitnami__charts", "apps/ente-io__ente",
           "apps/hoppscotch__hoppscotch", "apps/imbhargav5__nextbase-nextjs-supabase-starter",
           "apps/maybe-finance__maybe", "apps/n8n-io__n8n-hosting", "apps/nextcloud__all-in-one"]


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def check_output(fmt, target, cwd):
    p = subprocess.run([e2e.ARGS.bin, "check", "--format", fmt, target], cwd=cwd,
                       env=dict(os.environ, NO_COLOR="1"), capture_output=True, timeout=600)
    assert p.returncode in (0, 1), (target, p.returncode, p.stderr[-2000:])
    return p.stdout


def snapshot_lines(target, cwd):
    """The snapshot of one target: a header with the digests of its outputs, then a line per finding."""
    text = check_output("text", target, cwd)
    doc = check_output("json", target, cwd)
    # The run's context (times, commit, command line: issue 16) differs from
    # run to run and machine to machine: the digest is of the rest.
    parsed = json.loads(doc)
    parsed.pop("context", None)
    stable = json.dumps(parsed, indent=2, ensure_ascii=False).encode()
    lines = [f"== {target} text={digest(text)} json={digest(stable)}"]
    for f in json.loads(doc)["findings"]:
        whole = json.dumps(f, sort_keys=True).encode()
        lines.append(f"{f['rule']} {f['path']}:{f['line']}:{f['column']} {f['severity']} {digest(whole)}")
    return lines


def test_findings_match_snapshot():
    """check's text and JSON output on samples/ and every corpus are those of the snapshot."""
    corpus = e2e.ARGS.corpus
    if not corpus or not os.path.isdir(corpus):
        print("no corpus directory; skipping")
        raise SystemExit(77)
    got = snapshot_lines("samples", e2e.ARGS.source)
    for name in CORPORA:
        got += snapshot_lines(name, corpus)
    path = os.path.join(e2e.ARGS.source, "tests", "snapshots", "findings.txt")
    if os.environ.get("PGRAMPART_UPDATE_SNAPSHOT") == "1":
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("\n".join(got) + "\n")
        return
    with open(path) as f:
        want = f.read().splitlines()
    if got != want:
        import difflib
        diff = list(difflib.unified_diff(want, got, "snapshot", "now", lineterm="", n=1))
        raise AssertionError("findings differ from tests/snapshots/findings.txt:\n" + "\n".join(diff[:80]))
