#!/usr/bin/env python3
"""Checks the batch recipes in docs/batch/ against their platforms' models, then runs them.

usage: check-batch-recipes.py --image NAME --binary PATH --root DIR --public-keys FILE --scratch DIR

- kubernetes-indexed-job.yaml, with ${TRAILPROOF_IMAGE} replaced by NAME, is read into the
  Kubernetes Python client's V1Job models (as the API server's schema has them): a field the model
  does not know, or of the wrong type, fails, since the model written back must equal the manifest.
- aws-batch-array-job.json's job definitions and job submissions are validated with botocore's
  ParamValidator against the service model of RegisterJobDefinition and SubmitJob (no call made).
- Then each recipe is run as its platform would run it, with the trailproof at PATH on the trail at
  DIR: every shard K of N (Kubernetes: JOB_COMPLETION_INDEX and $(JOB_COMPLETION_INDEX) expanded;
  AWS Batch: AWS_BATCH_JOB_ARRAY_INDEX and Ref::name parameters), then the merge. The source
  s3://BUCKET becomes DIR with --public-keys FILE (the reference time, for s3:// only, is dropped)
  and s3://REPORTS/ becomes a folder. Every shard must exit 0 (with --defer-verdict, findings
  included), and the merge must print what one run over DIR prints (JSON) and exit as it does.
Prints one line per check; exits 1 on any failure.
"""
import argparse
import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = os.path.join(ROOT, "docs", "batch")
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)
    return condition


def differences(original, written, path="$"):
    """Where `written` (the model serialized back) differs from `original`."""
    if isinstance(original, dict) and isinstance(written, dict):
        found = []
        for key in original:
            if key not in written:
                found.append(f"{path}.{key} is not a field of the model")
            else:
                found += differences(original[key], written[key], f"{path}.{key}")
        return found
    if isinstance(original, list) and isinstance(written, list) and len(original) == len(written):
        return [d for i, (a, b) in enumerate(zip(original, written)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if original == written else [f"{path}: {original!r} became {written!r}"]


def kubernetes_jobs(image):
    from kubernetes import client
    text = open(os.path.join(BATCH, "kubernetes-indexed-job.yaml")).read().replace("${TRAILPROOF_IMAGE}", image)
    docs = [d for d in yaml.safe_load_all(text) if d]
    api = client.ApiClient()

    class Response:
        def __init__(self, data):
            self.data = data

    jobs = []
    for doc in docs:
        try:
            try:  # clients from 33 on take the response's text and its content type
                job = api.deserialize(json.dumps(doc), "V1Job", "application/json")
            except TypeError:  # older ones a response object
                job = api.deserialize(Response(json.dumps(doc)), "V1Job")
        except Exception as error:  # the client raises ValueError/TypeError for a bad field
            check(False, f"kubernetes: {doc.get('metadata', {}).get('name')} is a V1Job: {error}")
            continue
        found = differences(doc, api.sanitize_for_serialization(job))
        check(not found, f"kubernetes: {job.metadata.name} is a V1Job whose every field the model knows" + ("".join("\n  " + d for d in found)))
        check(all(c.image == image for c in job.spec.template.spec.containers), f"kubernetes: {job.metadata.name} runs {image}")
        check(not any(c.command for c in job.spec.template.spec.containers), f"kubernetes: {job.metadata.name} keeps the image's entrypoint (no shell)")
        jobs.append(job)
    return jobs


def batch_recipe(image):
    import botocore.session
    from botocore.validate import ParamValidator
    recipe = json.loads(open(os.path.join(BATCH, "aws-batch-array-job.json")).read().replace("${TRAILPROOF_IMAGE}", image))
    model = botocore.session.get_session().get_service_model("batch")
    validator = ParamValidator()
    for definition in recipe["jobDefinitions"]:
        report = validator.validate(definition, model.operation_model("RegisterJobDefinition").input_shape)
        check(not report.has_errors(), f"aws batch: job definition {definition['jobDefinitionName']} is a valid RegisterJobDefinition request"
              + ("" if not report.has_errors() else "\n" + report.generate_report()))
        check(definition["containerProperties"]["image"] == image, f"aws batch: {definition['jobDefinitionName']} runs {image}")
    for name in ("shards", "merge"):
        report = validator.validate(recipe[name], model.operation_model("SubmitJob").input_shape)
        check(not report.has_errors(), f"aws batch: '{name}' is a valid SubmitJob request"
              + ("" if not report.has_errors() else "\n" + report.generate_report()))
    return recipe


def localize(arguments, args, reports):
    """The command as it runs on this machine: DIR for s3://BUCKET, a folder for s3://REPORTS/."""
    out = []
    skip = False
    for index, word in enumerate(arguments):
        if skip:
            skip = False
            continue
        if word == "--reference-time":
            skip = True
            continue
        if word == "s3://BUCKET":
            out += [args.root, "--public-keys", args.public_keys]
            continue
        out.append(word.replace("s3://REPORTS/", reports + "/"))
    return out


def run(binary, arguments, env, label):
    result = subprocess.run([binary] + arguments, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C.UTF-8", **env), timeout=600)
    return result


def compare_with_single(binary, merge_arguments, run_id, args, label):
    merged = run(binary, merge_arguments + ["--format", "json"], {}, label)
    single = run(binary, ["verify", args.root, "--public-keys", args.public_keys, "--list-valid", "--run-id", run_id, "--format", "json"], {}, label)
    check(merged.returncode == single.returncode, f"{label}: the merge exits {merged.returncode}, as one run does ({single.returncode})"
          + ("" if merged.returncode == single.returncode else f"\n{merged.stderr}"))
    check(merged.stdout == single.stdout and merged.stdout.startswith("{"), f"{label}: the merged report equals one run's, byte for byte")
    return single.returncode


def run_kubernetes(jobs, args):
    shards, merge = jobs
    n = shards.spec.completions
    check(shards.spec.completion_mode == "Indexed" and shards.spec.parallelism == n, "kubernetes: an Indexed Job, all shards at once")
    reports = os.path.join(args.scratch, "kubernetes-reports")
    os.makedirs(reports, exist_ok=True)
    container = shards.spec.template.spec.containers[0]
    run_id = container.args[container.args.index("--run-id") + 1]
    for k in range(n):
        arguments = [a.replace("$(JOB_COMPLETION_INDEX)", str(k)) for a in container.args]
        result = run(args.binary, localize(arguments, args, reports), {"JOB_COMPLETION_INDEX": str(k)}, "kubernetes")
        check(result.returncode == 0, f"kubernetes: shard {k} of {n} exits 0" + ("" if result.returncode == 0 else f"\n{result.stderr}"))
    merge_container = merge.spec.template.spec.containers[0]
    check(merge_container.args[merge_container.args.index("--run-id") + 1] == run_id, "kubernetes: the merge asks for the shards' run id")
    return compare_with_single(args.binary, localize(merge_container.args, args, reports), run_id, args, "kubernetes")


def substitute(command, parameters, label):
    out = []
    for word in command:
        if word.startswith("Ref::"):
            name = word[len("Ref::"):]
            if not check(name in parameters, f"{label}: parameter {name} has a value"):
                continue
            word = parameters[name]
        out.append(word)
    return out


def run_batch(recipe, args):
    definitions = {d["jobDefinitionName"]: d for d in recipe["jobDefinitions"]}
    shards, merge = recipe["shards"], recipe["merge"]
    n = shards["arrayProperties"]["size"]
    reports = os.path.join(args.scratch, "batch-reports")
    os.makedirs(reports, exist_ok=True)
    shard_definition = definitions[shards["jobDefinition"]]
    parameters = dict(shard_definition.get("parameters", {}), **shards.get("parameters", {}))
    environment = {e["name"]: e["value"] for e in shards.get("containerOverrides", {}).get("environment", [])}
    command = substitute(shard_definition["containerProperties"]["command"], parameters, "aws batch: shards")
    check(f"auto/{n}" in command, f"aws batch: each child takes its index from the array ({n} children)")
    for k in range(n):
        result = run(args.binary, localize(command, args, reports), dict(environment, AWS_BATCH_JOB_ARRAY_INDEX=str(k)), "aws batch")
        check(result.returncode == 0, f"aws batch: child {k} of {n} exits 0" + ("" if result.returncode == 0 else f"\n{result.stderr}"))
    merge_definition = definitions[merge["jobDefinition"]]
    merge_parameters = dict(merge_definition.get("parameters", {}), **merge.get("parameters", {}))
    check(merge_parameters.get("runId") == parameters.get("runId"), "aws batch: the merge asks for the shards' run id")
    check(bool(merge.get("dependsOn")), "aws batch: the merge depends on the array job")
    merge_command = substitute(merge_definition["containerProperties"]["command"], merge_parameters, "aws batch: merge")
    return compare_with_single(args.binary, localize(merge_command, args, reports), parameters.get("runId", ""), args, "aws batch")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--public-keys", required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    jobs = kubernetes_jobs(args.image)
    recipe = batch_recipe(args.image)
    if check(len(jobs) == 2, "kubernetes: two Jobs (the shards, the merge)"):
        print(f"kubernetes verdict: {run_kubernetes(jobs, args)}")
    print(f"aws batch verdict: {run_batch(recipe, args)}")
    print(f"{len(failures)} failed" if failures else "all batch recipe checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
