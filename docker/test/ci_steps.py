#!/usr/bin/env python3
"""Prints the jobs of a CI file as docker/test/split-release.sh runs them on one machine.

Reads a GitHub Actions workflow or a GitLab CI file with a YAML parser and prints one line per
item, tab-separated, in the order the CI would run them (jobs after the jobs they need, one
JOB line per matrix entry):

    JOB       <job id>  <matrix entry index>
    ENV       <name>  <base64 value>          for the next RUN (GitHub: the step's env;
                                              GitLab: the job's variables and matrix entry)
    RUN       <base64 command>                a run: or the job's script: lines, as one script
    CHECKOUT                                  actions/checkout
    JAVA      <java-version>                  actions/setup-java
    LOGIN     <registry>                      docker/login-action
    UPLOAD    <artifact name>  <path>         actions/upload-artifact
    DOWNLOAD  <name pattern>  <path>          actions/download-artifact
    KEEP      <path>                          a GitLab job's artifacts:paths
    FETCH     <job id>                        a GitLab job's artifacts, from a job it needs

GitHub expressions are replaced: ${{ matrix.X }} by the entry's value, ${{ vars.X }} by the
environment's CI_VAR_X, ${{ secrets.X }} by CI_SECRET_X (empty when unset). Anything else (an
action or an expression this runner does not know) stops it, naming what.

Usage: ci_steps.py github|gitlab FILE
"""

import base64
import itertools
import os
import re
import sys

import yaml


def fail(message):
    sys.exit("ci_steps.py: " + message)


def b64(text):
    return base64.b64encode(str(text).encode()).decode()


def emit(*fields):
    for field in fields:
        if "\t" in str(field) or "\n" in str(field):
            fail("a field holds a tab or a newline: " + repr(field))
    print("\t".join(str(f) for f in fields))


def expression(text, matrix):
    def replace(match):
        scope, _, name = match.group(1).strip().partition(".")
        if scope == "matrix" and name in matrix:
            return str(matrix[name])
        if scope == "vars":
            value = os.environ.get("CI_VAR_" + name)
            if value is None:
                fail("no CI_VAR_" + name + " for ${{ vars." + name + " }}")
            return value
        if scope == "secrets":
            return os.environ.get("CI_SECRET_" + name, "")
        fail("unknown expression " + match.group(0))

    return re.sub(r"\$\{\{(.*?)\}\}", replace, str(text))


def entries(matrix):
    """A matrix's entries: the product of its lists, then its include entries."""
    if not matrix:
        return [{}]
    if isinstance(matrix, list):  # GitLab's parallel:matrix
        result = []
        for entry in matrix:
            keys = list(entry)
            values = [v if isinstance(v, list) else [v] for v in entry.values()]
            result += [dict(zip(keys, combo)) for combo in itertools.product(*values)]
        return result
    keys = [k for k in matrix if k not in ("include", "exclude")]
    result = [dict(zip(keys, combo)) for combo in itertools.product(*(matrix[k] for k in keys))]
    if not keys:
        result = []
    return result + list(matrix.get("include", []))


def ordered(jobs, needs):
    done, order = set(), []

    def visit(job, path):
        if job in done:
            return
        if job in path:
            fail("a cycle of needs through " + job)
        for need in needs(job):
            if need not in jobs:
                fail(job + " needs " + need + ", which is not a job")
            visit(need, path + [job])
        done.add(job)
        order.append(job)

    for job in jobs:
        visit(job, [])
    return order


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def github(document):
    jobs = document["jobs"]
    for job_id in ordered(jobs, lambda j: as_list(jobs[j].get("needs"))):
        job = jobs[job_id]
        for index, matrix in enumerate(entries(job.get("strategy", {}).get("matrix"))):
            emit("JOB", job_id, index)
            for step in job["steps"]:
                given = {k: expression(v, matrix) for k, v in (step.get("with") or {}).items()}
                action = step.get("uses", "").split("@")[0]
                if "run" in step:
                    env = dict(job.get("env") or {})
                    env.update(step.get("env") or {})
                    for name, value in env.items():
                        emit("ENV", name, b64(expression(value, matrix)))
                    emit("RUN", b64(expression(step["run"], matrix)))
                elif action == "actions/checkout":
                    emit("CHECKOUT")
                elif action == "actions/setup-java":
                    emit("JAVA", given["java-version"])
                elif action == "docker/login-action":
                    emit("LOGIN", given["registry"])
                elif action == "actions/upload-artifact":
                    emit("UPLOAD", given["name"], given["path"])
                elif action == "actions/download-artifact":
                    emit("DOWNLOAD", given.get("pattern", given.get("name", "*")), given.get("path", "."))
                else:
                    fail(job_id + " uses " + str(step.get("uses")) + ", which this runner does not know")


def gitlab(document):
    stages = document.get("stages", ["build", "test", "deploy"])
    jobs = {
        name: job
        for name, job in document.items()
        if isinstance(job, dict) and "script" in job and not name.startswith(".")
    }
    by_stage = sorted(jobs, key=lambda j: stages.index(jobs[j].get("stage", "test")))

    def needs(job):
        listed = jobs[job].get("needs")
        if listed is None:  # every job of the earlier stages
            stage = stages.index(jobs[job].get("stage", "test"))
            return [j for j in jobs if stages.index(jobs[j].get("stage", "test")) < stage]
        return [n if isinstance(n, str) else n["job"] for n in listed]

    for job_id in ordered({j: jobs[j] for j in by_stage}, needs):
        job = jobs[job_id]
        for index, matrix in enumerate(entries((job.get("parallel") or {}).get("matrix"))):
            emit("JOB", job_id, index)
            for need in needs(job_id):
                emit("FETCH", need)
            variables = dict(document.get("variables") or {})
            variables.update(job.get("variables") or {})
            variables.update(matrix)
            for name, value in variables.items():
                emit("ENV", name, b64(value))
            emit("RUN", b64("\n".join(as_list(job["script"])) + "\n"))
            for path in as_list((job.get("artifacts") or {}).get("paths")):
                emit("KEEP", path)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("github", "gitlab"):
        fail("usage: ci_steps.py github|gitlab FILE")
    with open(sys.argv[2], encoding="utf-8") as file:
        document = yaml.safe_load(file)
    (github if sys.argv[1] == "github" else gitlab)(document)


main()
