"""Validates rendered Kubernetes manifests (helm template output) against schemas.

Built-in kinds: the Kubernetes JSON schemas shipped in the kubernetes-validate
package (PyPI), in strict mode (unknown fields are errors), for every
Kubernetes version given with --k8s. Custom resources: the openAPIV3Schema of
the CRD files given with --crd (prometheus-operator's own CRDs), made strict
the same way (an object with declared properties allows no others unless it
says x-kubernetes-preserve-unknown-fields). A kind with no schema is an error.
ConfigMaps with a *.json key must hold valid JSON (the Grafana dashboard).

Usage: python validate-manifests.py --k8s 1.25.0 --k8s 1.37.0 --crd FILE... -- MANIFEST...
"""

import argparse
import json
import sys

import jsonschema
import kubernetes_validate
import yaml


def strict(schema):
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if (
            "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def crd_schemas(paths):
    schemas = {}
    for path in paths:
        with open(path) as f:
            crd = yaml.safe_load(f)
        group = crd["spec"]["group"]
        kind = crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            api_version = f"{group}/{version['name']}"
            schemas[(api_version, kind)] = strict(version["schema"]["openAPIV3Schema"])
    return schemas


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k8s", action="append", required=True)
    ap.add_argument("--crd", action="append", default=[])
    ap.add_argument("manifests", nargs="+")
    args = ap.parse_args()
    crds = crd_schemas(args.crd)
    problems = 0
    checked = 0
    for path in args.manifests:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            api_version, kind = doc.get("apiVersion"), doc.get("kind")
            name = f"{path}: {kind} {doc.get('metadata', {}).get('name')}"
            checked += 1
            try:
                if (api_version, kind) in crds:
                    jsonschema.Draft7Validator(crds[(api_version, kind)]).validate(doc)
                    where = "CRD schema"
                else:
                    for version in args.k8s:
                        kubernetes_validate.validate(doc, version, strict=True)
                    where = "Kubernetes " + ", ".join(args.k8s)
                if kind == "ConfigMap":
                    for key, text in (doc.get("data") or {}).items():
                        if key.endswith(".json"):
                            json.loads(text)
                print(f"ok   {name} ({where}, strict)")
            except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as e:
                problems += 1
                print(f"FAIL {name}: {'.'.join(str(p) for p in e.path)}: {e.message}")
            except Exception as e:  # no schema for the kind, bad JSON, ...
                problems += 1
                print(f"FAIL {name}: {type(e).__name__}: {e}")
    print(f"validate-manifests: {checked} documents, {problems} invalid")
    return 1 if problems or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
