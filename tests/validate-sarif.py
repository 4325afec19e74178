#!/usr/bin/python3
"""Validates a pdpscan SARIF report against the official SARIF 2.1.0 schema (tests/schemas, as
OASIS publishes it) and checks what the schema cannot: each result's ruleIndex names its rule.
Usage: validate-sarif.py SCHEMA REPORT"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    report = json.load(open(sys.argv[2], encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(report)
    run = report["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"], (r["ruleIndex"], r["ruleId"])


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, jsonschema.ValidationError) as e:
        print(f"validate-sarif: {e}", file=sys.stderr)
        sys.exit(1)
