#!/usr/bin/env python3
"""Assembles an OCI image layout with umoci from a Containerfile, where buildah cannot run.

usage: containerfile-umoci.py CONTEXT LAYOUT TAG [NAME=VALUE ...]

Reads CONTEXT/Containerfile and understands only what trailproof's uses: FROM scratch, ARG
(values given as NAME=VALUE, $NAME and ${NAME} substituted), COPY DIR/ / (from CONTEXT), ENV,
USER, WORKDIR, ENTRYPOINT (exec form) and LABEL. Anything else is refused, so the image never
silently differs from what the Containerfile says.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile


def fail(message):
    print(f"trailproof: {message}", file=sys.stderr)
    sys.exit(1)


def instructions(path):
    """Yields (INSTRUCTION, text) with continuation lines joined and comments dropped."""
    pending = ""
    for line in open(path, encoding="utf-8"):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        word, _, rest = whole.partition(" ")
        yield word.upper(), rest.strip()
    if pending:
        fail(f"{path}: a continuation line ends the file")


def main():
    if len(sys.argv) < 4:
        fail("usage: containerfile-umoci.py CONTEXT LAYOUT TAG [NAME=VALUE ...]")
    context, layout, tag = sys.argv[1:4]
    given = dict(arg.split("=", 1) for arg in sys.argv[4:])
    args = {}

    def substitute(text):
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), ""), text)

    config = []
    copies = []
    seen_from = False
    for word, rest in instructions(os.path.join(context, "Containerfile")):
        if word == "FROM":
            if rest != "scratch" or seen_from:
                fail(f"only one FROM scratch is understood, not FROM {rest}")
            seen_from = True
        elif word == "ARG":
            name = rest.split("=", 1)[0]
            args[name] = given.get(name, rest.split("=", 1)[1] if "=" in rest else "")
        elif word == "COPY":
            source, destination = rest.split()
            if destination != "/" or source.startswith("/") or ".." in source.split("/"):
                fail(f"only COPY DIR/ / is understood, not COPY {rest}")
            copies.append(os.path.join(context, source))
        elif word == "ENV":
            for pair in shlex.split(substitute(rest)):
                config += ["--config.env", pair]
        elif word == "USER":
            config += ["--config.user", substitute(rest)]
        elif word == "WORKDIR":
            config += ["--config.workingdir", substitute(rest)]
        elif word == "ENTRYPOINT":
            words = json.loads(rest)
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                fail("ENTRYPOINT must be in exec form")
            config += ["--clear=config.entrypoint"] + [x for w in words for x in ("--config.entrypoint", w)]
        elif word == "LABEL":
            for pair in shlex.split(substitute(rest)):
                if "=" not in pair:
                    fail(f"LABEL {pair}: NAME=VALUE expected")
                config += ["--config.label", pair]
        else:
            fail(f"Containerfile instruction {word} is not understood by the umoci path")
    if not seen_from:
        fail("the Containerfile has no FROM scratch")

    rootless = ["--rootless"] if os.geteuid() != 0 else []
    image = f"{layout}:{tag}"
    shutil.rmtree(layout, ignore_errors=True)
    run = lambda *command: subprocess.run(["umoci", *command], check=True)
    run("init", "--layout", layout)
    run("new", "--image", image)
    with tempfile.TemporaryDirectory() as scratch:
        bundle = os.path.join(scratch, "bundle")
        run("unpack", *rootless, "--image", image, bundle)
        for source in copies:
            subprocess.run(["cp", "-a", os.path.join(source, "."), os.path.join(bundle, "rootfs")], check=True)
        run("repack", "--image", image, bundle)
    run("config", "--image", image, "--os", "linux", "--architecture", "amd64" if os.uname().machine == "x86_64" else "arm64", *config)
    run("gc", "--layout", layout)


if __name__ == "__main__":
    main()
