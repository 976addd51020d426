"""End-to-end tests: precision on the real applications of ../shared/corpus/apps (issue 12).

The hand review lives in tests/precision/<app>.tsv; tests/precision/review.py keeps it."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

SLOW = {"precision_on_real_apps": (900, True)}


def _precision():
    sys.path.insert(0, os.path.join(e2e.ARGS.source, "tests", "precision"))
    import review as precision
    return precision


def test_precision_on_real_apps():
    """Every error and warning is reviewed, no true one is lost, the targets hold, the page is current."""
    precision = _precision()
    corpus(os.path.join("apps", "Unleash__unleash"))  # skips (77) without the corpus
    args = type("Args", (), {"bin": e2e.ARGS.bin, "corpus": e2e.ARGS.corpus})
    result = precision.measure(args)
    problems = precision.verdict_problems(result)
    assert not problems, "\n".join(problems[:60])
    with open(os.path.join(e2e.ARGS.source, "docs", "precision.md"), encoding="utf-8") as f:
        assert f.read() == precision.report(result), \
            "docs/precision.md is stale: python3 tests/precision/review.py report > docs/precision.md"


def test_precision_review_is_checked():
    """The review can fail: an unreviewed finding and a lost true one are both reported."""
    precision = _precision()
    with tempfile.TemporaryDirectory() as d:
        app = os.path.join(d, "apps", "demo")
        write_tree(app, {"docker-compose.yml": "services:\n  api:\n    environment:\n"
                         "      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Xv3pLmT\n"})
        args = type("Args", (), {"bin": e2e.ARGS.bin, "corpus": d})
        saved = precision.HERE
        precision.HERE = d
        try:
            result = precision.measure(args)
            problems = precision.verdict_problems(result)
            assert any("not reviewed" in p for p in problems), problems
            with open(os.path.join(d, "demo.tsv"), "w") as f:
                f.write("secrets/x\tgone.yml\t1\t1\terror\ttrue\ta key once found\n")
            problems = precision.verdict_problems(precision.measure(args))
            assert any("recall lost" in p for p in problems), problems
        finally:
            precision.HERE = saved
