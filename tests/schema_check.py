#!/usr/bin/python3
"""schema_check.py - checks what folio printed with --json against docs/schema.

The CLI scripts (tests/cli_lib.sh) record every run of folio that had --json
or -j among its arguments in a directory of runs, one subdirectory each:

    args   the arguments after the folio binary, each ended by a NUL byte
    rc     the exit status
    out    standard output
    err    standard error

This script validates them all, in one process, against the JSON Schemas in
the schema directory (draft 2020-12):

  - stdout, when not empty, against the schema of the command: the longest
    command path (docs/schema/admin-user-add.json for "admin user add") that
    the first words after the global flags spell; help.json when --help or
    -h is there, version.json for --version. watch prints NDJSON: each line
    is one document. A command that exits 0 prints a document (watch aside).
  - stderr, when the exit status is not 0 (nor 5, done in part), against
    error.json; stderr is empty otherwise (with --json, hints are not
    printed).

Every schema is itself checked against the draft 2020-12 metaschema first.
Each problem is one line on stdout, "FAIL<TAB>what<TAB>why", and the last
line is "OK<TAB>summary" when there was none; the exit status is 1 after a
problem. With --require-all every command folio --help --json (--help-json
FILE) lists must have had its stdout validated. With --check-files the schema
directory must hold exactly one schema per command listed, and no other.
"""
import argparse
import json
import os
import sys

import jsonschema

# The global flags that take a value (the others, --json, -j and
# --plaintext, stand alone).
GLOBAL_VALUE = {"--server", "-s", "--context", "--ca", "--tls-cert", "--tls-key"}
# Schema files that are not the output of a command.
NOT_COMMANDS = {"defs.json", "error.json", "help.json", "version.json", "progress.json"}


def schema_file(command):
    return command.replace(" ", "-") + ".json"


class Checker:
    def __init__(self, schema_dir):
        self.schema_dir = schema_dir
        self.problems = []
        self.schemas = {}
        self.store = {}
        for name in sorted(os.listdir(schema_dir)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(schema_dir, name)
            try:
                with open(path, encoding="utf-8") as f:
                    schema = json.load(f)
                jsonschema.Draft202012Validator.check_schema(schema)
            except (ValueError, jsonschema.SchemaError) as e:
                self.fail("schema %s" % name, "not a valid draft 2020-12 schema: %s" % one_line(e))
                continue
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                self.fail("schema %s" % name, "$schema is not draft 2020-12")
            self.schemas[name] = schema
            self.store[schema.get("$id", name)] = schema
        # Commands: every schema that is not one of the others.
        self.commands = {}
        for name in self.schemas:
            if name not in NOT_COMMANDS:
                self.commands[name] = name
        self.validators = {}

    def fail(self, what, why):
        self.problems.append((what, why))

    def validator(self, name):
        if name not in self.validators:
            schema = self.schemas[name]
            # Every schema is in the store; nothing is ever fetched.
            resolver = jsonschema.RefResolver.from_schema(
                schema, store=self.store, handlers={"http": no_fetch, "https": no_fetch})
            self.validators[name] = jsonschema.Draft202012Validator(schema, resolver=resolver)
        return self.validators[name]

    def validate(self, what, name, document):
        """Problems of document against schema name, each a failure."""
        if name not in self.schemas:
            self.fail(what, "no schema %s in %s" % (name, self.schema_dir))
            return False
        try:
            errors = sorted(self.validator(name).iter_errors(document),
                            key=lambda e: [str(p) for p in e.path])
        except jsonschema.exceptions.RefResolutionError as e:
            self.fail(what, "schema %s: a $ref does not resolve: %s" % (name, one_line(e)))
            return False
        for e in errors:
            self.fail(what, describe(name, e))
        return not errors


def no_fetch(uri):
    raise jsonschema.exceptions.RefResolutionError("%s is not a schema in the directory" % uri)


def one_line(x):
    return " ".join(str(x).split())


def json_path(path):
    out = "$"
    for p in path:
        out += "[%d]" % p if isinstance(p, int) else "." + p
    return out


def describe(name, error):
    """Where the document is wrong, which rule of which schema says so, and
    the offending value; for oneOf and anyOf, the closest branch's errors."""
    deepest = error
    if error.context:
        deepest = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))
    rule = "/".join(str(p) for p in deepest.absolute_schema_path)
    value = json.dumps(deepest.instance, ensure_ascii=False)
    if len(value) > 200:
        value = value[:200] + "..."
    return "at %s, schema %s, rule %s: %s (value %s)" % (
        json_path(deepest.absolute_path), name, rule, one_line(deepest.message)[:300], value)


def command_of(args, commands):
    """The schema file for one run of folio, and a name for it in messages."""
    upto = args.index("--") if "--" in args else len(args)
    json_mode = any(a in ("--json", "-j", "--progress-json") for a in args[:upto])
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a == "--":
            i += 1
            break
        if a in ("--help", "-h"):
            return "help.json", "--help", json_mode
        if a == "--version":
            return "version.json", "--version", json_mode
        if a.split("=", 1)[0] in GLOBAL_VALUE and "=" not in a:
            i += 1
        i += 1
    words = args[i:]
    upto = words.index("--") if "--" in words else len(words)
    helped = any(a in ("--help", "-h") for a in words[:upto])
    best = None
    for command in commands:
        path = command.split(" ")
        if words[: len(path)] == path and (best is None or len(path) > len(best.split(" "))):
            best = command
    if helped:
        return "help.json", (best or " ".join(words[:1])) + " --help", json_mode
    if best is None:
        return None, " ".join(words[:2]) or "(no command)", json_mode
    return schema_file(best), best, json_mode


def read(path, binary=False):
    with open(path, "rb") as f:
        data = f.read()
    return data if binary else data.decode("utf-8", errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schemas", required=True, help="the schema directory (docs/schema)")
    ap.add_argument("--runs", help="the directory of recorded runs")
    ap.add_argument("--help-json", required=True, help="the output of folio --help --json")
    ap.add_argument("--check-files", action="store_true",
                    help="one schema per command of --help-json, and no orphaned one")
    ap.add_argument("--require-all", action="store_true",
                    help="every command of --help-json must have validated output in --runs")
    opts = ap.parse_args()

    ck = Checker(opts.schemas)
    try:
        listed = [c["command"] for c in json.loads(read(opts.help_json))["commands"]]
    except (ValueError, KeyError, TypeError) as e:
        ck.fail("folio --help --json", "cannot read the command list: %s" % one_line(e))
        listed = []
    if opts.check_files:
        for command in listed:
            if schema_file(command) not in ck.schemas:
                ck.fail("folio %s" % command, "no schema file %s" % schema_file(command))
        for name in sorted(ck.commands):
            if name not in {schema_file(c) for c in listed}:
                ck.fail("schema %s" % name, "orphaned: no such command in folio --help --json")
    covered = set()
    documents = 0
    runs = sorted(os.listdir(opts.runs), key=lambda n: int(n) if n.isdigit() else 0) if opts.runs else []
    for run in runs:
        d = os.path.join(opts.runs, run)
        args = [a.decode("utf-8", errors="replace") for a in read(os.path.join(d, "args"), True).split(b"\0")[:-1]]
        rc = int(read(os.path.join(d, "rc")).strip() or "0")
        out = read(os.path.join(d, "out"))
        err = read(os.path.join(d, "err"))
        name, command, json_mode = command_of(args, listed)
        if not json_mode:
            continue
        what = "folio %s (%s, exit %d)" % (command, " ".join(args)[:160], rc)
        if name is None:
            if out.strip():
                ck.fail(what, "printed on stdout, but names no command: %s" % out[:200])
        elif out.strip():
            # Streams: watch's notices, and --progress-json's lines before
            # the answer, which comes last.
            progress = "--progress-json" in args
            if name == "watch.json" or progress:
                ok = True
                lines = [x for x in out.splitlines() if x.strip()]
                for k, line in enumerate(lines):
                    try:
                        doc = json.loads(line)
                    except ValueError as e:
                        ck.fail(what, "stdout line %d is not JSON: %s: %s" % (k + 1, e, line[:200]))
                        ok = False
                        continue
                    documents += 1
                    schema = "progress.json" if progress and k + 1 < len(lines) else name
                    ok &= ck.validate(what + " stdout line %d" % (k + 1), schema, doc)
            else:
                try:
                    doc = json.loads(out)
                    documents += 1
                    ok = ck.validate(what + " stdout", name, doc)
                except ValueError as e:
                    ck.fail(what, "stdout is not one JSON document: %s: %s" % (e, out[:200]))
                    ok = False
            # folio help prints what --help does: help.json is its schema.
            if ok and (name not in NOT_COMMANDS or command == "help"):
                covered.add(command)
        elif rc in (0, 5) and name != "watch.json":
            ck.fail(what, "exit 0 and nothing on stdout: --json prints one document")
        if rc not in (0, 5):
            try:
                doc = json.loads(err)
                documents += 1
                ck.validate(what + " stderr", "error.json", doc)
            except ValueError:
                ck.fail(what, "exit %d and stderr is not one JSON error document: %s" % (rc, err[:200]))
        elif err.strip():
            ck.fail(what, "exit %d but stderr is not empty: %s" % (rc, err[:200]))

    if opts.require_all:
        for command in listed:
            if command not in covered:
                ck.fail("folio %s" % command, "no --json run of it validated against %s" % schema_file(command))
    for what, why in ck.problems:
        print("FAIL\t%s\t%s" % (one_line(what), one_line(why)))
    if ck.problems:
        return 1
    print("OK\t%d schemas valid; %d documents of %d commands match them" % (len(ck.schemas), documents, len(covered)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
