#!/usr/bin/env python3
"""Runs the CI recipes in docs/ci/ as their CI systems would, against the sample trail.

usage: check-ci-recipes.py --dist DIR | --binary PATH   --sample DIR  RECIPE.yml ...

Each recipe is parsed as YAML; its shell steps (GitHub Actions `run:`, GitLab CI `before_script:`
and `script:`) run in order in a scratch folder, with the recipe's own variables except these,
pointed at this machine: TRAILPROOF_RELEASE_URL (file:// to dist/, or to a tarball made from
--binary), TRAILPROOF_ROOT and TRAILPROOF_ARGS (the sample trail and its key file). Each recipe
runs twice: on the sample trail (every step exits 0) and on a copy with one log file tampered
with (the verification step exits 1, and steps marked to run always still run). Every report file
the recipe uploads must then exist and parse: JUnit with xmllint against Tests/Fixtures/junit.xsd,
JSON with Python, HTML with xmllint --html, Markdown non-empty. `apt-get` is not run (a no-op
stands in: this machine has the libraries). Prints one line per check; exits 1 on any failure.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERRIDDEN = ("TRAILPROOF_RELEASE_URL", "TRAILPROOF_ROOT", "TRAILPROOF_ARGS")
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)
    return condition


def release_folder(args, scratch):
    """A folder laid out as a release: the tarball and SHA256SUMS."""
    if args.dist:
        return os.path.abspath(args.dist)
    # Packaging skipped: a tarball of the build tree's binary, named as scripts/package names it.
    version = subprocess.run([args.binary, "--version"], capture_output=True, text=True, check=True).stdout.split()[0]
    name = f"trailproof-{version}-linux-{os.uname().machine}"
    folder = os.path.join(scratch, "release")
    os.makedirs(os.path.join(folder, name, "bin"))
    shutil.copy(args.binary, os.path.join(folder, name, "bin", "trailproof"))
    with tarfile.open(os.path.join(folder, name + ".tar.gz"), "w:gz") as tar:
        tar.add(os.path.join(folder, name), arcname=name)
    digest = hashlib.sha256(open(os.path.join(folder, name + ".tar.gz"), "rb").read()).hexdigest()
    with open(os.path.join(folder, "SHA256SUMS"), "w") as sums:
        sums.write(f"{digest}  {name}.tar.gz\n")
    return folder


def tampered_copy(sample, scratch):
    """The sample trail with one byte added to one log file (still valid JSON): `modified`."""
    copy = os.path.join(scratch, "tampered-trail")
    shutil.copytree(sample, copy)
    logs = sorted(glob.glob(os.path.join(copy, "trailproof-sample-bucket", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz")))
    content = gzip.decompress(open(logs[0], "rb").read()) + b" "
    with open(logs[0], "wb") as out:
        out.write(gzip.compress(content, mtime=0))
    return copy


def steps_of(recipe):
    """[(job, name, script, always, shell, uploads)] for every job of a GitHub or GitLab recipe."""
    steps = []
    if "jobs" in recipe:  # GitHub Actions
        for job_name, job in recipe["jobs"].items():
            uploads = []
            for index, step in enumerate(job["steps"]):
                always = str(step.get("if", "")).strip() in ("always()", "${{ always() }}")
                if "run" in step:
                    steps.append((job_name, step.get("name", f"step {index}"), step["run"], always, ["bash", "--noprofile", "--norc", "-eo", "pipefail"], uploads))
                uses = step.get("uses", "")
                with_ = step.get("with", {}) or {}
                if uses.startswith("actions/upload-artifact"):
                    uploads += [line.strip() for line in str(with_.get("path", "")).splitlines() if line.strip()]
                if "junit" in uses:
                    uploads += [("junit", path.strip()) for path in str(with_.get("report_paths", "")).split(",") if path.strip()]
        return steps, recipe.get("env", {}), None
    # GitLab CI: every mapping with a script is a job.
    for job_name, job in recipe.items():
        if not isinstance(job, dict) or "script" not in job:
            continue
        artifacts = job.get("artifacts", {}) or {}
        uploads = list(artifacts.get("paths", []))
        for kind, path in (artifacts.get("reports", {}) or {}).items():
            uploads += [(kind, p) for p in (path if isinstance(path, list) else [path])]
        lines = list(job.get("before_script", [])) + list(job["script"])
        steps.append((job_name, "before_script + script", "\n".join(lines), False, ["sh", "-e"], uploads))
        return steps, job.get("variables", {}), artifacts.get("when")
    return steps, {}, None


def parses(path, kind):
    if kind == "junit" or path.endswith(".xml"):
        schema = os.path.join(ROOT, "Tests", "Fixtures", "junit.xsd")
        return subprocess.run(["xmllint", "--noout", "--schema", schema, path], capture_output=True).returncode == 0
    if path.endswith(".json"):
        try:
            json.load(open(path))
            return True
        except ValueError:
            return False
    if path.endswith(".html"):
        return subprocess.run(["xmllint", "--html", "--noout", path], capture_output=True).returncode == 0
    return os.path.getsize(path) > 0


def run_recipe(path, release, trail, expect_finding, scratch):
    recipe = yaml.safe_load(open(path))
    label = f"{os.path.basename(path)} on the {'tampered' if expect_finding else 'sample'} trail"
    steps, variables, when = steps_of(recipe)
    if not check(bool(steps), f"{label}: has shell steps"):
        return
    for name in OVERRIDDEN:
        check(name in variables, f"{label}: declares {name}")
    work = tempfile.mkdtemp(dir=scratch)
    stubs = os.path.join(scratch, "stubs")
    os.makedirs(stubs, exist_ok=True)
    with open(os.path.join(stubs, "apt-get"), "w") as stub:
        stub.write("#!/bin/sh\nexit 0\n")
    os.chmod(os.path.join(stubs, "apt-get"), 0o755)
    summary, github_path = os.path.join(work, ".summary.md"), os.path.join(work, ".github-path")
    open(summary, "w").close()
    open(github_path, "w").close()
    env = {"PATH": stubs + ":/usr/local/bin:/usr/bin:/bin", "HOME": work, "LC_ALL": "C.UTF-8",
           "GITHUB_STEP_SUMMARY": summary, "GITHUB_PATH": github_path, "CI": "true"}
    env.update({k: str(v) for k, v in variables.items()})
    env["TRAILPROOF_RELEASE_URL"] = "file://" + release
    env["TRAILPROOF_ROOT"] = os.path.join(trail, "trailproof-sample-bucket")
    env["TRAILPROOF_ARGS"] = f"--public-keys {os.path.join(trail, 'public-keys.json')} --bucket trailproof-sample-bucket"
    failed = False
    for job, name, script, always, shell, uploads in steps:
        if failed and not always:
            print(f"skip {label}: {job}/{name} (an earlier step failed)")
            continue
        step_env = dict(env)
        added = [line.strip() for line in open(github_path) if line.strip()]
        step_env["PATH"] = ":".join(reversed(added)) + (":" if added else "") + env["PATH"]
        result = subprocess.run(shell + ["-c", script], cwd=work, env=step_env, capture_output=True, text=True, timeout=600)
        verifies = "trailproof verify" in script
        expected = 1 if (verifies and expect_finding) else 0
        check(result.returncode == expected, f"{label}: {job}/{name} exits {result.returncode} (expected {expected})"
              + ("" if result.returncode == expected else f"\n{result.stdout}\n{result.stderr}"))
        failed = failed or result.returncode != 0
    uploaded = list(dict.fromkeys(u if isinstance(u, tuple) else (None, u) for step in steps for u in step[5]))
    if not check(bool(uploaded), f"{label}: uploads reports"):
        return
    if expect_finding and when is not None:
        check(when == "always", f"{label}: artifacts are kept when the job fails (when: always)")
    for kind, pattern in uploaded:
        matches = [m for m in glob.glob(os.path.join(work, pattern)) if os.path.isfile(m)] or \
                  [f for f in glob.glob(os.path.join(work, pattern, "*")) if os.path.isfile(f)]
        if check(bool(matches), f"{label}: uploads {pattern} ({kind or 'file'}), which exists"):
            for match in matches:
                check(parses(match, kind), f"{label}: {os.path.relpath(match, work)} parses")
    if "jobs" in recipe:
        text = open(summary).read()
        check("trailproof" in text.lower() and (("modified" in text) if expect_finding else ("VERIFIED" in text)),
              f"{label}: the job summary holds the Markdown report")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist")
    parser.add_argument("--binary")
    parser.add_argument("--sample", required=True)
    parser.add_argument("recipes", nargs="+")
    args = parser.parse_args()
    if bool(args.dist) == bool(args.binary):
        parser.error("give --dist or --binary")
    with tempfile.TemporaryDirectory() as scratch:
        release = release_folder(args, scratch)
        tampered = tampered_copy(args.sample, scratch)
        for recipe in args.recipes:
            run_recipe(recipe, release, os.path.abspath(args.sample), False, scratch)
            run_recipe(recipe, release, tampered, True, scratch)
    print(f"{len(failures)} failed" if failures else "all recipe checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
