"""The documentation cannot rot: its examples run and its links resolve.

Runs, each in a scratch folder laid out like the checkout (``build``, ``examples``, ``scripts``
and ``benchmarks`` linked in, ``../shared`` beside it when the shared data is there):

- every ``sh`` block of README.md's quick start, and
- the first ``sh`` block of every page of ``docs/`` (``docs/results/`` holds measurements whose
  commands take minutes to hours; they are not run here).

Lines starting with ``make`` are the set-up commands that CI itself runs (``make test``,
``make demo``); they are not run from inside the test suite.
"""
import os
import pathlib
import re
import subprocess
import sys

import pytest

SOURCE = pathlib.Path(os.environ.get("VMB_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
BUILD = pathlib.Path(os.environ.get("VMB_BUILD_DIR", SOURCE / "build"))
SHARED = pathlib.Path(os.environ.get("VMB_SHARED_DATA", SOURCE.parent / "shared" / "data")).parent

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def sh_blocks(text):
    return [body for lang, body in BLOCK.findall(text) if lang == "sh"]


def pages():
    return sorted(p for p in (SOURCE / "docs").glob("*.md"))


def documents():
    return [SOURCE / "README.md", SOURCE / "CHANGELOG.md"] + sorted(
        (SOURCE / "docs").rglob("*.md"))


def quick_start(text):
    start = text.index("## Quick start")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def run_block(block, scratch):
    """Runs one block with bash -e in a checkout-like scratch folder; returns its output."""
    work = scratch / "checkout"
    work.mkdir()
    (work / "build").symlink_to(BUILD)
    for folder in ("examples", "scripts", "benchmarks"):
        (work / folder).symlink_to(SOURCE / folder)
    if SHARED.is_dir():
        (scratch / "shared").symlink_to(SHARED)
    # python3 in the examples is the interpreter that runs this test (Debian's, with NumPy).
    bin_dir = scratch / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    commands = "\n".join(l for l in block.splitlines() if not l.lstrip().startswith("make "))
    result = subprocess.run(["bash", "-e", "-c", commands], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=300)
    assert result.returncode == 0, f"exit {result.returncode}:\n{commands}\n---\n{result.stdout}"
    return work


def test_readme_is_short():
    assert (SOURCE / "README.md").stat().st_size < 15 * 1024


def test_readme_quick_start_runs(tmp_path):
    blocks = sh_blocks(quick_start((SOURCE / "README.md").read_text()))
    assert len(blocks) >= 3, "the quick start has an example for each of the three users"
    work = run_block("\n".join(blocks), tmp_path)
    assert (work / "gathers.h5").is_file()
    assert (work / "dataset" / "index.json").is_file()
    assert (work / "runs" / "tiny" / "report.html").is_file()


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_first_example_of_each_page_runs(page, tmp_path):
    blocks = sh_blocks(page.read_text())
    if not blocks:
        pytest.skip(f"{page.name} has no shell example")
    run_block(blocks[0], tmp_path)


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_relative_links_resolve(document):
    broken = []
    for target in LINK.findall(document.read_text()):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (document.parent / target.split("#")[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert not broken, f"{document.name}: links to missing files: {broken}"
