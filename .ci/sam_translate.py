#!/usr/bin/env python3
"""Transforms template.yaml with the SAM translator, offline, and prints the CloudFormation JSON.

Usage: sam_translate.py TEMPLATE [--check-code-uris]

Local CodeUri paths are replaced by s3:// stand-ins (the translator accepts nothing else); with --check-code-uris
every local path must exist first, so CI proves that one build produced every artifact the template deploys.
Managed policy names resolve from a fixed table instead of IAM (no AWS credentials needed).
"""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

# The managed policies SAM itself attaches (basic execution, X-Ray) and the ones a template may name.
MANAGED = {name: "arn:aws:iam::aws:policy/" + path for name, path in {
    "AWSLambdaBasicExecutionRole": "service-role/AWSLambdaBasicExecutionRole",
    "AWSLambdaKinesisExecutionRole": "service-role/AWSLambdaKinesisExecutionRole",
    "AWSLambdaSQSQueueExecutionRole": "service-role/AWSLambdaSQSQueueExecutionRole",
    "AWSXrayWriteOnlyAccess": "AWSXrayWriteOnlyAccess",
    "AWSXRayDaemonWriteAccess": "AWSXRayDaemonWriteAccess",
}.items()}


class FixedPolicies:
    def load(self):
        return MANAGED


def main(argv):
    path = argv[1]
    root = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        template = yaml_parse(f.read())
    missing = []
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        uri = resource.get("Properties", {}).get("CodeUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            if "--check-code-uris" in argv and not os.path.exists(os.path.join(root, uri)):
                missing.append(f"{logical_id}: CodeUri {uri} was not built")
            resource["Properties"]["CodeUri"] = "s3://code-stand-in/" + uri
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 1
    print(json.dumps(transform(template, {}, FixedPolicies()), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
